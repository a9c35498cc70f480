/**
 * How the Field mapping page tells a refused save: the gateway's CONFLICT in words with what to do on this page, and
 * the list of problems (each at its place in the document, in words, with its path) under the Save button.
 */
import type { ApiError } from './api.ts';
import { h } from './dom.ts';
import type { ConfigProblem } from './field-rules-api.ts';
import { pathInWords } from './field-mapping-model.ts';
import type { Json } from './field-mapping-model.ts';

/** The gateway's CONFLICT (which version is in force now) with what to do about it on this page. */
export function conflictInWords(error: ApiError, loaded: number): ApiError {
  const now = error.extensions?.versionInForce;
  const which = typeof now === 'number' ? `Version ${now} was saved` : 'Another version was saved';
  return { ...error, message: `${which} after this page loaded version ${loaded}; nothing was saved. Press Refresh to load ${typeof now === 'number' ? `version ${now}` : 'it'} (your unsaved changes here are discarded), then make them again.` };
}

/** The refusal's problems as nodes for the problem box; none when there are none. */
export function problemList(problems: readonly ConfigProblem[], doc: Json | null): Node[] {
  if (!problems.length) return [];
  return [h('h3', {}, 'The gateway did not accept these changes:'),
    h('ul', {}, ...problems.map((p) => h('li', { 'data-path': p.path }, `${pathInWords(p.path, doc)}: ${p.message} `, h('code', {}, p.path)))),
    h('p', {}, 'Your changes are still on screen: change them and save again, or press Refresh to start over.')];
}
