/**
 * "Undo" on the Field rules page: each earlier version in the history has a Restore button. Restoring asks first (in
 * the page, next to the button: what it does and that unsaved changes on the page are discarded), then saves that
 * version's document again as a NEW version — nothing in the history is overwritten, so the restore itself can be
 * undone the same way — with the version in force as `expectedVersion` (CONFLICT if someone saved meanwhile) and the
 * comment "Restored version N". A version identical to the one in force stores nothing (the gateway answers the
 * version in force), and the page says so instead of claiming a restore.
 */
import { graphql } from './api.ts';
import type { ApiError } from './api.ts';
import { h } from './dom.ts';
import { saveMappingConfiguration } from './field-rules-api.ts';
import type { SaveResult } from './field-rules-api.ts';

const VERSION_DOCUMENT = 'query MappingVersionDocument($version: Int!) { mappingVersion(version: $version) { version document } }';

export interface RestoreOutcome {
  /** What to tell the admin (status line). */
  said?: string;
  errors: ApiError[];
  /** The save's answer, when a save was made (its problems and breaking changes, for the page to show). */
  saved?: SaveResult;
}

/** Reads version `version` and saves it again as a new version made on `inForce`. */
export async function restoreVersion(version: number, inForce: number, actor: string | null): Promise<RestoreOutcome> {
  const read = await graphql<{ mappingVersion: { version: number; document: string | null } | null }>(VERSION_DOCUMENT, { version });
  if (read.errors.length) return { errors: read.errors };
  const document = read.data?.mappingVersion?.document;
  if (!document) return { errors: [{ code: 'NOT_FOUND', message: `Version ${version} is not stored any more; nothing was restored.` }] };
  const saved = await saveMappingConfiguration(document, { comment: `Restored version ${version}`, expectedVersion: inForce, actor });
  if (saved.version === undefined) return { errors: saved.errors, saved };
  if (saved.version === inForce) return { errors: [], saved, said: `Version ${version} is the same as version ${inForce}, which is in force: nothing to restore, no version was saved.` };
  return { errors: [], saved, said: `Restored version ${version}: it is in force now as version ${saved.version}. The gateway uses it from now on.` };
}

/**
 * The Restore control of one history row: a button that opens the question in place; "Restore version N" confirms
 * and runs `onConfirm`, "Cancel" closes the question and gives the focus back to the button.
 */
export function restoreControl(version: number, inForce: number, dirty: () => boolean, onConfirm: () => Promise<void>): HTMLElement {
  const cell = h('td', { class: 'restore' });
  const open = h('button', { type: 'button', class: 'restore-open', 'aria-label': `Restore version ${version}…` }, 'Restore…');
  const close = () => {
    cell.replaceChildren(open);
    open.focus();
  };
  open.addEventListener('click', () => {
    const confirm = h('button', { type: 'button', class: 'restore-confirm' }, `Restore version ${version}`);
    const cancel = h('button', { type: 'button', class: 'restore-cancel' }, 'Cancel');
    const question = h('div', { class: 'restore-question', role: 'group', 'aria-label': `Restore version ${version}?` },
      h('p', {}, `Put version ${version} back in force? Its fields, mappings and rules are saved as a new version; version ${inForce}, in force now, stays in the history.`
        + (dirty() ? ' Your unsaved changes on this page are discarded.' : '')),
      confirm, ' ', cancel);
    cancel.addEventListener('click', close);
    confirm.addEventListener('click', () => {
      confirm.disabled = true;
      cancel.disabled = true;
      void onConfirm();
    });
    cell.replaceChildren(question);
    confirm.focus();
  });
  cell.replaceChildren(open);
  return cell;
}
