/**
 * Deciding many review pairs at once: a checkbox on each pair, "Select all shown", and "Accept selected (n)" /
 * "Reject selected (n)", which call `acceptMatches` / `rejectMatches` (each pair decided as the single buttons do)
 * and then say per pair what happened — merged, kept apart, or not decided and why. A pair that failed stays in the
 * list, still selected, so the steward can look at it; one no longer waiting (decided elsewhere) leaves it.
 */
import { graphql } from './api.ts';
import type { ApiError } from './api.ts';
import { h } from './dom.ts';

/** The API decides at most this many pairs per call (REVIEW_BULK_MAX_IDS); a larger selection is sent in parts. */
const BULK_MAX = 100;
const OUTCOME = '{ id ok code message customer { id firstName lastName } }';
const ACCEPT_MANY = `mutation AcceptMatches($ids: [ID!]!) { acceptMatches(ids: $ids) ${OUTCOME} }`;
const REJECT_MANY = `mutation RejectMatches($ids: [ID!]!) { rejectMatches(ids: $ids) ${OUTCOME} }`;
/** Codes of a pair that no longer waits: it leaves the list like a decided one. */
const GONE = new Set(['NOT_FOUND', 'ALREADY_DECIDED']);

interface Outcome {
  id: string;
  ok: boolean;
  code: string | null;
  message: string | null;
  customer: { id: string; firstName: string | null; lastName: string | null } | null;
}

export interface BulkHost {
  /** The pair cards shown (`article[data-review-id]`), in order. */
  cards(): HTMLElement[];
  /** Takes decided pairs out of the list and the count. */
  removeDecided(cards: readonly HTMLElement[]): void;
  say(text: string): void;
  errors(errors: readonly ApiError[]): void;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export class ReviewBulk {
  /** Select all shown and the two buttons, above the list. */
  readonly toolbar: HTMLElement;
  /** What happened to each pair of the last bulk decision, below the toolbar. */
  readonly results: HTMLElement;
  private readonly all: HTMLInputElement;
  private readonly accept: HTMLButtonElement;
  private readonly reject: HTMLButtonElement;
  private readonly titles = new Map<string, string>();
  private busy = false;

  constructor(private readonly host: BulkHost) {
    this.all = h('input', { type: 'checkbox', id: 'select-all-pairs' });
    this.all.addEventListener('change', () => {
      for (const box of this.boxes()) box.checked = this.all.checked;
      this.refresh();
    });
    this.accept = h('button', { type: 'button', class: 'accept' });
    this.reject = h('button', { type: 'button', class: 'reject' });
    this.accept.addEventListener('click', () => void this.decide('accept'));
    this.reject.addEventListener('click', () => void this.decide('reject'));
    this.toolbar = h('div', { class: 'bulk', role: 'group', 'aria-label': 'Decide selected pairs' },
      h('label', { class: 'select-all' }, this.all, ' Select all shown'), this.accept, this.reject);
    this.results = h('section', { class: 'bulk-results', 'aria-labelledby': 'bulk-results-title' });
    this.results.hidden = true;
    this.refresh();
  }

  /** The checkbox of one pair card; `title` names the pair in the results ("Pair 12: Ann Lee and Ann Lee"). */
  checkbox(reviewId: string, title: string): HTMLElement {
    this.titles.set(reviewId, title);
    const box = h('input', { type: 'checkbox', class: 'select-pair', 'data-review-id': reviewId });
    box.addEventListener('change', () => this.refresh());
    return h('label', { class: 'select-pair-label' }, box, ` Select pair ${reviewId}`);
  }

  /** After the list changed (a page loaded, a pair decided): the counts on the buttons and Select all shown. */
  refresh(): void {
    const boxes = this.boxes();
    const n = boxes.filter((b) => b.checked).length;
    this.accept.textContent = `Accept selected (${n})`;
    this.reject.textContent = `Reject selected (${n})`;
    this.accept.disabled = this.reject.disabled = n === 0 || this.busy;
    this.all.disabled = boxes.length === 0 || this.busy;
    this.all.checked = boxes.length > 0 && n === boxes.length;
    this.all.indeterminate = n > 0 && n < boxes.length;
    // With no pair shown there is nothing to select: "Accept selected (0)" beside "The review queue is empty" reads as
    // a broken page. The results of the last bulk decision (a sibling) stay.
    this.toolbar.hidden = boxes.length === 0;
  }

  /** A new list (Refresh, another order): the last results no longer describe it. */
  clear(): void {
    this.results.replaceChildren();
    this.results.hidden = true;
    this.refresh();
  }

  private boxes(): HTMLInputElement[] {
    return this.host.cards().map((c) => c.querySelector<HTMLInputElement>('input.select-pair')).filter((b): b is HTMLInputElement => b !== null);
  }

  private async decide(kind: 'accept' | 'reject'): Promise<void> {
    const selected = this.boxes().filter((b) => b.checked).map((b) => b.getAttribute('data-review-id')!);
    if (selected.length === 0) return;
    this.busy = true;
    this.refresh();
    const outcomes: Outcome[] = [];
    const errors: ApiError[] = [];
    for (let i = 0; i < selected.length; i += BULK_MAX) {
      const ids = selected.slice(i, i + BULK_MAX);
      const result = kind === 'accept'
        ? await graphql<{ acceptMatches: Outcome[] }>(ACCEPT_MANY, { ids })
        : await graphql<{ rejectMatches: Outcome[] }>(REJECT_MANY, { ids });
      errors.push(...result.errors);
      const data = result.data && ('acceptMatches' in result.data ? result.data.acceptMatches : result.data.rejectMatches);
      if (!data) break; // the whole call was refused (e.g. UNAUTHENTICATED): the rest would be too
      outcomes.push(...data);
    }
    this.busy = false;
    this.host.errors(errors);
    const leaving = outcomes.filter((o) => o.ok || (o.code !== null && GONE.has(o.code))).map((o) => o.id);
    this.host.removeDecided(this.host.cards().filter((c) => leaving.includes(c.getAttribute('data-review-id') ?? '')));
    if (outcomes.length > 0) this.report(kind, outcomes);
    this.refresh();
  }

  private report(kind: 'accept' | 'reject', outcomes: readonly Outcome[]): void {
    const done = outcomes.filter((o) => o.ok).length;
    const failed = outcomes.length - done;
    const verb = kind === 'accept' ? 'merged' : 'kept apart';
    this.host.say(`${kind === 'accept' ? 'Accepted' : 'Rejected'} ${done} of ${plural(outcomes.length, 'selected pair')}: ${done} ${verb}${failed > 0 ? `, ${failed} not decided (see why below)` : ''}.`);
    const line = (o: Outcome) => {
      const title = this.titles.get(o.id) ?? `Pair ${o.id}`;
      if (!o.ok) return h('li', { class: 'failed' }, `${title}: not decided — `, h('strong', { class: 'code' }, o.code ?? 'UNKNOWN_ERROR'), ` ${o.message ?? ''}`);
      if (kind === 'reject') return h('li', { class: 'done' }, `${title}: kept apart.`);
      const name = [o.customer?.firstName, o.customer?.lastName].filter(Boolean).join(' ');
      return h('li', { class: 'done' }, `${title}: merged into customer ${o.customer?.id ?? '?'}${name ? ` (${name})` : ''}.`);
    };
    const title = h('h3', { id: 'bulk-results-title', tabindex: '-1' }, `What happened to the ${plural(outcomes.length, 'selected pair')}`);
    this.results.replaceChildren(title, h('ul', {}, ...outcomes.map(line)));
    this.results.hidden = false;
    // Keyboard and screen-reader users land on the outcome; the list they decided from has changed under them.
    title.focus();
  }
}
