/**
 * The Field rules page's calls: loading the configuration with what a rule may name, and saving. A refused
 * configuration's error carries `extensions.problems` (every offending path with its reason), which the page lists
 * next to the fields; `graphql()` keeps extensions, so this only picks them out.
 */
import { graphql } from './api.ts';
import type { ApiError, ApiResult } from './api.ts';
import type { Catalogue } from './field-rules-model.ts';

/** One reason the gateway's validator gave (resolver-engine ConfigError): a dotted path into the document and why. */
export interface ConfigProblem { path: string; message: string }

export interface Version { version: number; createdAt: string; comment: string | null; actor: string | null }

export interface Loaded extends Catalogue {
  mappingConfiguration: { version: number; document: string };
  mappingVersions: Version[];
}

export interface SaveResult {
  version: number | undefined;
  errors: ApiError[];
  problems: ConfigProblem[];
}

const LOAD = `query FieldRules {
  mappingConfiguration { version document }
  mappingVersions { version createdAt comment actor }
  survivorshipStrategies { name description usesSourcePriority }
  customFunctions
}`;

const SAVE = `mutation SaveMappingConfiguration($document: String!, $comment: String, $expectedVersion: Int, $actor: String) {
  saveMappingConfiguration(document: $document, comment: $comment, expectedVersion: $expectedVersion, actor: $actor) { version }
}`;

const isProblem = (p: unknown): p is ConfigProblem =>
  typeof p === 'object' && p !== null && typeof (p as ConfigProblem).path === 'string' && typeof (p as ConfigProblem).message === 'string';

export const loadFieldRules = (): Promise<ApiResult<Loaded>> => graphql<Loaded>(LOAD);

/**
 * Saves `document` as edited from `expectedVersion`: the gateway refuses with CONFLICT (storing nothing) if another
 * version is in force by then. `actor` is sent only when the user gave a name.
 */
export async function saveMappingConfiguration(document: string, meta: { comment: string | null; expectedVersion: number; actor: string | null }): Promise<SaveResult> {
  const variables = { document, comment: meta.comment, expectedVersion: meta.expectedVersion, ...(meta.actor ? { actor: meta.actor } : {}) };
  const result = await graphql<{ saveMappingConfiguration: { version: number } | null }>(SAVE, variables);
  const problems = result.errors.flatMap((e) => (Array.isArray(e.extensions?.problems) ? e.extensions.problems.filter(isProblem) : []));
  const version = result.data?.saveMappingConfiguration?.version;
  const errors = typeof version !== 'number' && result.errors.length === 0
    ? [{ code: 'NO_VERSION', message: 'The gateway answered without a version number or an error' }]
    : result.errors;
  return { version: typeof version === 'number' ? version : undefined, errors, problems };
}
