/**
 * The Field rules page's calls: loading the configuration with what a rule may name, and saving. A refused
 * configuration's error carries `extensions.problems` (every offending path with its reason), which the page lists
 * next to the fields; `graphql()` keeps extensions, so this only picks them out. A save that would take a field or type
 * from clients is refused with BREAKING_CHANGE and `extensions.changes` (each change with its recent usage) unless it
 * accepts them (`allowBreakingChanges`, used by the Field mapping page after an explicit confirmation).
 */
import { graphql } from './api.ts';
import type { ApiError, ApiResult } from './api.ts';
import type { Catalogue, Json } from './field-rules-model.ts';

/**
 * Said in the status line (and on the Save button, "Saving…") from the click until the answer: the gateway validates,
 * composes and stores the whole document, which takes seconds, and a disabled button alone looks like a page that hung.
 */
export const SAVING_IN_WORDS = 'Saving… The gateway checks the configuration and keeps it as a new version; this takes a few seconds.';

/** One reason the gateway's validator gave (resolver-engine ConfigError): a dotted path into the document and why. */
export interface ConfigProblem { path: string; message: string }

export interface Version { version: number; createdAt: string; comment: string | null; actor: string | null }

export interface Loaded extends Catalogue {
  mappingConfiguration: { version: number; document: string };
  mappingVersions: Version[];
  /** Which CRMs run here: a mapping may name CRMs no connector serves yet (the default one names Pipedrive). */
  connectors: { crm: string; running: boolean }[];
}

/** One breaking change of a refused save (gateway/schema-evolution.ts SchemaChange), with how much clients asked for it. */
export interface BreakingChange {
  /** FIELD_REMOVED, FIELD_CHANGED_KIND, TYPE_REMOVED… */
  type: string;
  description: string;
  coordinate?: string;
  usage?: { days: number; requests: number; lastSeenAt: string | null; clients: string[] };
}

export interface SaveResult {
  version: number | undefined;
  errors: ApiError[];
  problems: ConfigProblem[];
  /** A BREAKING_CHANGE refusal's changes (nothing was stored); empty otherwise. */
  changes: BreakingChange[];
}

const LOAD = `query FieldRules {
  mappingConfiguration { version document }
  mappingVersions { version createdAt comment actor }
  survivorshipStrategies { name description usesSourcePriority }
  customFunctions
  connectors { crm running }
}`;

const SAVE = `mutation SaveMappingConfiguration($document: String!, $comment: String, $expectedVersion: Int, $actor: String, $allowBreakingChanges: Boolean) {
  saveMappingConfiguration(document: $document, comment: $comment, expectedVersion: $expectedVersion, actor: $actor, allowBreakingChanges: $allowBreakingChanges) { version }
}`;

const isProblem = (p: unknown): p is ConfigProblem =>
  typeof p === 'object' && p !== null && typeof (p as ConfigProblem).path === 'string' && typeof (p as ConfigProblem).message === 'string';
const isChange = (c: unknown): c is BreakingChange =>
  typeof c === 'object' && c !== null && typeof (c as BreakingChange).type === 'string' && typeof (c as BreakingChange).description === 'string';

export const loadFieldRules = (): Promise<ApiResult<Loaded>> => graphql<Loaded>(LOAD);

/**
 * The configuration with its document parsed, for the pages that edit it: `errors` holds the API's errors and, when
 * the document is not JSON, one BAD_DOCUMENT error; `doc` is undefined then, or when nothing was loaded.
 */
export async function loadMappingDocument(): Promise<{ result: ApiResult<Loaded>; errors: ApiError[]; doc: Json | undefined }> {
  const result = await loadFieldRules();
  if (!result.data) return { result, errors: result.errors, doc: undefined };
  try {
    return { result, errors: result.errors, doc: JSON.parse(result.data.mappingConfiguration.document) as Json };
  } catch (err) {
    return { result, errors: [...result.errors, { code: 'BAD_DOCUMENT', message: `The gateway's configuration document is not JSON: ${(err as Error).message}` }], doc: undefined };
  }
}

/**
 * Saves `document` as edited from `expectedVersion`: the gateway refuses with CONFLICT (storing nothing) if another
 * version is in force by then. `actor` is sent only when the user gave a name; `allowBreakingChanges` only when true
 * (the user confirmed that clients may lose the fields listed in a BREAKING_CHANGE refusal).
 */
export async function saveMappingConfiguration(document: string,
  meta: { comment: string | null; expectedVersion: number; actor: string | null; allowBreakingChanges?: boolean }): Promise<SaveResult> {
  const variables = {
    document, comment: meta.comment, expectedVersion: meta.expectedVersion,
    ...(meta.actor ? { actor: meta.actor } : {}), ...(meta.allowBreakingChanges ? { allowBreakingChanges: true } : {}),
  };
  const result = await graphql<{ saveMappingConfiguration: { version: number } | null }>(SAVE, variables);
  const problems = result.errors.flatMap((e) => (Array.isArray(e.extensions?.problems) ? e.extensions.problems.filter(isProblem) : []));
  const changes = result.errors.flatMap((e) => (e.code === 'BREAKING_CHANGE' && Array.isArray(e.extensions?.changes) ? e.extensions.changes.filter(isChange) : []));
  const version = result.data?.saveMappingConfiguration?.version;
  const errors = typeof version !== 'number' && result.errors.length === 0
    ? [{ code: 'NO_VERSION', message: 'The gateway answered without a version number or an error' }]
    : result.errors;
  return { version: typeof version === 'number' ? version : undefined, errors, problems, changes };
}
