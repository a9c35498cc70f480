/**
 * Data sources the gateway plans onto. The in-process one resolves the subgraph's schema on every request: Apollo
 * Gateway caches data sources by name and url, so a hot-swapped schema must be reached through this indirection.
 */
import { LocalGraphQLDataSource, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';

export class CurrentSchemaDataSource implements GraphQLDataSource {
  private cached: { schema: GraphQLSchema; source: LocalGraphQLDataSource } | undefined;

  constructor(private readonly currentSchema: () => GraphQLSchema) {}

  process(options: GraphQLDataSourceProcessOptions): ReturnType<GraphQLDataSource['process']> {
    const schema = this.currentSchema();
    if (!this.cached || this.cached.schema !== schema) this.cached = { schema, source: new LocalGraphQLDataSource(schema) };
    return this.cached.source.process(options);
  }
}

export function remoteDataSource(url: string): GraphQLDataSource {
  return new RemoteGraphQLDataSource({ url });
}
