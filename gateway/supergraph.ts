/** Composes the supergraph from the subgraphs' SDL (no network introspection), with readable composition errors. */
import { composeServices } from '@apollo/composition';
import type { CompositionSuccess } from '@apollo/composition';
import { parse } from 'graphql';
import { ProductError } from '../lib/product-error.ts';
import type { SubgraphSource } from './subgraph-source.ts';

export function localUrl(name: string): string {
  return `local://${name}`;
}

/** The composition of the subgraphs; MAPPING_INVALID with every composition error when they do not compose. */
export function composeSources(sources: readonly SubgraphSource[]): CompositionSuccess {
  const result = composeServices(
    sources.map((s) => ({ name: s.name, url: s.kind === 'remote' ? s.url : localUrl(s.name), typeDefs: parse(s.typeDefs()) })),
  );
  if (result.errors) {
    throw new ProductError('MAPPING_INVALID', `The supergraph does not compose: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result;
}

export function composeSupergraph(sources: readonly SubgraphSource[]): string {
  return composeSources(sources).supergraphSdl;
}
