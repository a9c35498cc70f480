/** Composes the supergraph from the subgraphs' SDL (no network introspection), with readable composition errors. */
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { ProductError } from '../lib/product-error.ts';
import type { SubgraphSource } from './subgraph-source.ts';

export function localUrl(name: string): string {
  return `local://${name}`;
}

export function composeSupergraph(sources: SubgraphSource[]): string {
  const result = composeServices(
    sources.map((s) => ({ name: s.name, url: s.kind === 'remote' ? s.url : localUrl(s.name), typeDefs: parse(s.typeDefs()) })),
  );
  if (result.errors && result.errors.length > 0) {
    throw new ProductError('MAPPING_INVALID', `The supergraph does not compose: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.supergraphSdl!;
}
