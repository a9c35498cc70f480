/**
 * Who may change things over HTTP. When CUSTOMER_GRAPH_API_TOKENS is set, a request must carry
 * `authorization: Bearer <token>` with one of those tokens (the same tokens subscriptions check in
 * `connection_init`) when it selects
 * - a root field of the protected SDL: the admin subgraph (review queue, merges, splits, sync health) and the
 *   mappings subgraph (the configuration itself), which change or reveal how customers are assembled;
 * - a named protected field (`protectedFields`, e.g. the write-back dead letters);
 * - or any mutation at all (`guardMutations`, on by default): golden updates, dead-letter replays and native record
 *   writes change CRM data, and a mutation added later must not be open by accident.
 * Customer queries stay open, as before. Without configured tokens everything is open, and a warning says so once.
 * Refusals are GraphQL errors with `extensions.code` UNAUTHENTICATED (HTTP 401); nothing runs.
 */
import crypto from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, parse } from 'graphql';
import type { FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import type { Logger } from '../lib/logger.ts';
import { ERROR_CODES } from '../lib/product-error.ts';

export interface AdminAccessSetup {
  /** CUSTOMER_GRAPH_API_TOKENS; unset: admin operations are open (a warning is logged once). */
  apiTokens?: readonly string[] | undefined;
  /** SDL of the subgraphs whose Query and Mutation fields need a token. */
  protectedTypeDefs: readonly string[];
  /** Further root fields that need a token, as `Query.deadLetters`. */
  protectedFields?: readonly string[];
  /** Every mutation needs a token (default true). */
  guardMutations?: boolean;
}

/** Root field names (`Query.reviewQueue`, `Mutation.acceptMatch`…) declared by the given SDL documents. */
export function rootFieldsOf(typeDefs: readonly string[]): Set<string> {
  const fields = new Set<string>();
  for (const sdl of typeDefs) {
    for (const d of parse(sdl).definitions) {
      if ((d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && (d.name.value === 'Query' || d.name.value === 'Mutation')) {
        for (const f of d.fields ?? []) fields.add(`${d.name.value}.${f.name.value}`);
      }
    }
  }
  return fields;
}

/** The root fields an operation selects, through fragments at the root too. */
function selectedRootFields(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): string[] {
  const root = operation.operation === 'mutation' ? 'Mutation' : operation.operation === 'query' ? 'Query' : 'Subscription';
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) out.push(`${root}.${s.name.value}`);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return out;
}

export function bearerToken(header: string | null | undefined): string | undefined {
  const token = (header ?? '').replace(/^Bearer\s+/i, '').trim();
  return token || undefined;
}

/**
 * Whether a token is one of the configured API tokens (also used by `/metrics`). Digests are compared in constant
 * time, and against every configured token, so neither a token nor its length leaks through timing.
 */
export function apiTokenCheck(tokens: readonly string[]): (token: string) => boolean {
  const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
  const allowed = tokens.map(digest);
  return (token) => {
    const given = digest(token);
    let ok = false;
    for (const a of allowed) ok = crypto.timingSafeEqual(a, given) || ok;
    return ok;
  };
}

/** An Apollo Server plugin refusing admin root fields without a valid token. */
export function adminAccessPlugin(setup: AdminAccessSetup, logger: Logger): ApolloServerPlugin {
  const guarded = rootFieldsOf(setup.protectedTypeDefs);
  for (const f of setup.protectedFields ?? []) guarded.add(f);
  const guardMutations = setup.guardMutations ?? true;
  const tokens = setup.apiTokens ?? [];
  const valid = apiTokenCheck(tokens);
  let warned = false;
  const refuse = (message: string) => new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: ERROR_CODES.UNAUTHENTICATED.httpStatus } } });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) return; // Apollo Server reports the unknown operation itself
          const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
          const mutation = operation.operation === 'mutation' && guardMutations;
          const admin = selectedRootFields(operation, fragments).filter((f) => mutation || guarded.has(f));
          if (admin.length === 0) return;
          if (tokens.length === 0) {
            if (!warned) {
              warned = true;
              logger.warn('CUSTOMER_GRAPH_API_TOKENS is not set: mutations and admin operations at /graphql (updates, review queue, merges, mapping configuration) are open to anyone who can reach this port');
            }
            return;
          }
          const token = bearerToken(request.http?.headers.get('authorization'));
          const names = admin.map((f) => f.split('.')[1]).join(', ');
          if (!token) throw refuse(`${names} needs an API token: send 'authorization: Bearer <token>' with one of CUSTOMER_GRAPH_API_TOKENS`);
          if (!valid(token)) throw refuse(`The API token sent is not one of CUSTOMER_GRAPH_API_TOKENS; ${names} refused`);
        },
      };
    },
  };
}
