/**
 * The Field mapping page's question before a save that leaves a golden field fed by nothing: "Stop reading from this
 * source" on a field's ONLY source would otherwise be saved after nothing but the inline warning, and every client
 * asking for that field would get null from then on. Like Restore… on the Field rules page, the question opens in
 * place (next to Save), says what clients will get, and saves only on its confirm button; Cancel closes it and gives
 * the focus back to Save.
 */
import { h } from './dom.ts';

/** The question for `fields` of `goldenType` that the save leaves fed by nothing once `sourceName` stops feeding them. */
export function unfedFieldsQuestion(goldenType: string, fields: readonly string[], sourceName: string, onConfirm: () => void, onCancel: () => void): { element: HTMLElement; focus: HTMLButtonElement } {
  const listed = fields.map((f) => `${goldenType}.${f}`);
  const them = fields.length === 1 ? 'it' : 'them';
  const confirm = h('button', { type: 'button', class: 'unfed-confirm' }, fields.length === 1
    ? `Stop reading and save: clients get null for ${fields[0]!}` : `Stop reading and save: clients get null for ${fields.length} fields`);
  const cancel = h('button', { type: 'button', class: 'unfed-cancel secondary' }, 'Cancel');
  const element = h('div', { class: 'unfed-question', role: 'group', 'aria-label': 'Save fields fed by nothing?' },
    h('p', {}, `${sourceName} is the only source of ${listed.join(', ')}. After this save nothing feeds ${them}: `
      + `clients asking for ${them} get null for every ${goldenType} until a source is mapped again. Save anyway?`),
    confirm, ' ', cancel);
  confirm.addEventListener('click', () => {
    confirm.disabled = true;
    cancel.disabled = true;
    onConfirm();
  });
  cancel.addEventListener('click', onCancel);
  return { element, focus: confirm };
}
