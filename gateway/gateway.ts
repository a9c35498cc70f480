/**
 * The federation gateway: Apollo Gateway over a supergraph composed at start from the subgraphs' SDL. `reload()`
 * recomposes and hot-swaps the supergraph (mappings, rules or CRM metadata changed); requests in flight finish on
 * the plan they started with, new ones use the new one, and a supergraph that does not compose is rejected while
 * the running one stays.
 */
import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLDataSource } from '@apollo/gateway';
import type { Logger } from '../lib/logger.ts';
import { CurrentSchemaDataSource, remoteDataSource } from './data-sources.ts';
import { composeSupergraph } from './supergraph.ts';
import type { SubgraphSource } from './subgraph-source.ts';

export interface CustomerGraphGateway {
  gateway: ApolloGateway;
  supergraphSdl(): string;
  reload(): Promise<void>;
}

export function createGateway(sources: () => SubgraphSource[], logger: Logger): CustomerGraphGateway {
  // Apollo Gateway exports usage metrics to Apollo and probes cloud metadata servers unless told not to. A customer
  // data gateway sends nothing anywhere it was not configured to: both are off unless the operator opts in.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  let current = composeSupergraph(sources());
  let update: ((sdl: string) => void) | undefined;
  const byName = () => new Map(sources().map((s) => [s.name, s]));

  const gateway = new ApolloGateway({
    supergraphSdl: async ({ update: u }: { update: (sdl: string) => void }) => {
      update = u;
      return { supergraphSdl: current };
    },
    buildService: ({ name, url }): GraphQLDataSource => {
      const source = byName().get(name);
      if (source?.kind === 'local') {
        return new CurrentSchemaDataSource(() => {
          const live = byName().get(name);
          if (live?.kind !== 'local') throw new Error(`subgraph ${name} is no longer in-process`);
          return live.schema();
        });
      }
      return remoteDataSource(source?.kind === 'remote' ? source.url : url!);
    },
  });

  return {
    gateway,
    supergraphSdl: () => current,
    async reload() {
      const next = composeSupergraph(sources());
      if (next === current) return;
      current = next;
      update?.(next);
      logger.info('supergraph recomposed and swapped');
    },
  };
}
