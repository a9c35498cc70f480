/**
 * The identity review queue: each pair the matcher was unsure about, side by side, with its score and reasons,
 * and two decisions — Accept (the same person: merge) and Reject (different people: keep apart). A decided pair
 * leaves the list and a status line says what happened; API errors are shown with their code. Oldest first or most
 * likely first (highest match score); many pairs at once through the checkboxes (review-bulk.ts).
 */
import { graphql } from './api.ts';
import type { ApiError } from './api.ts';
import { h } from './dom.ts';
import { ReviewBulk } from './review-bulk.ts';
import { crmName } from './sync-words.ts';
import { reasonInWords } from './reasons.ts';
import { differencesOf } from './review-differences.ts';

interface Source { crm: string; objectType: string; recordId: string }
interface ReviewCustomer {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  companyName: string | null;
  mailingCity: string | null;
  mailingCountry: string | null;
  sources: Source[];
}
interface MatchReview {
  id: string;
  entityType: string;
  leftId: string;
  rightId: string;
  score: number | null;
  reasons: string[];
  left: ReviewCustomer | null;
  right: ReviewCustomer | null;
}

const PAGE = 50;
type Order = 'OLDEST_FIRST' | 'MOST_LIKELY_FIRST';
const ORDERS: readonly [Order, string][] = [['OLDEST_FIRST', 'Oldest first'], ['MOST_LIKELY_FIRST', 'Most likely first']];
const QUEUE = `query ReviewQueue($first: Int!, $after: ID, $order: ReviewOrder) {
  reviewQueueCount
  reviewQueue(first: $first, after: $after, order: $order) { id entityType leftId rightId score reasons left { ...ReviewCustomer } right { ...ReviewCustomer } }
}
fragment ReviewCustomer on Customer { id firstName lastName email phone companyName mailingCity mailingCountry sources { crm objectType recordId } }`;
const ACCEPT = 'mutation AcceptMatch($id: ID!) { acceptMatch(id: $id) { customer { id firstName lastName } } }';
const REJECT = 'mutation RejectMatch($id: ID!) { rejectMatch(id: $id) }';
const UNMERGE = `mutation UndoMerge($id: ID!, $records: [NativeRecordRefInput!]!) {
  unmergeCustomer(id: $id, records: $records) { customer { id } splitCustomer { id } }
}`;

export interface Notices {
  /** A short confirmation of what just happened (polite live region). */
  say(text: string): void;
  /** API errors, code and message each (alert region); an empty list clears them. */
  errors(errors: readonly ApiError[]): void;
}

const nameOf = (c: { firstName: string | null; lastName: string | null } | null) =>
  [c?.firstName, c?.lastName].filter((x): x is string => Boolean(x)).join(' ');

function describeCustomer(c: ReviewCustomer | null, fallbackId: string, side: string): HTMLElement {
  const field = (label: string, value: string | null | undefined) => [h('dt', {}, label), h('dd', {}, value || '—')];
  const sources = c?.sources.length
    ? h('ul', { class: 'sources' }, ...c.sources.map((s) => h('li', {}, `${crmName(s.crm)} ${s.objectType} ${s.recordId}`)))
    : '—';
  return h('section', { class: 'customer', 'aria-label': `${side} customer` },
    h('h3', {}, nameOf(c) || '(no name)'),
    h('dl', {},
      ...field('Customer id', c?.id ?? fallbackId),
      ...field('Email', c?.email),
      ...field('Phone', c?.phone),
      ...field('Company', c?.companyName),
      ...field('Place', [c?.mailingCity, c?.mailingCountry].filter(Boolean).join(', ')),
      h('dt', {}, 'Sources'), h('dd', {}, sources)));
}

export class ReviewQueueView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly more: HTMLButtonElement;
  private readonly bulk: ReviewBulk;
  /** Merges made on this page, newest first, each with its Undo (kept across reloads of the queue). */
  private readonly recent: HTMLElement;
  /** Pairs waiting in all, as the last page load counted them, less the ones decided here since. */
  private total = 0;
  private order: Order = 'OLDEST_FIRST';

  constructor(private readonly notices: Notices) {
    this.summary = h('p', { class: 'summary', 'aria-live': 'polite' }, 'Loading the review queue…');
    this.list = h('div', { class: 'pairs' });
    this.recent = h('ul', { class: 'recent-decisions', 'aria-label': 'Merges made here' });
    this.recent.hidden = true;
    this.more = h('button', { type: 'button', class: 'secondary more' }, `Show ${PAGE} more`);
    this.more.hidden = true;
    this.more.addEventListener('click', () => void this.loadMore());
    const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load());
    this.bulk = new ReviewBulk({
      cards: () => [...this.list.children] as HTMLElement[],
      removeDecided: (cards) => this.removeDecided(cards),
      say: (text) => notices.say(text),
      errors: (errors) => notices.errors(errors),
    });
    this.element = h('main', { id: 'review-queue', 'aria-labelledby': 'queue-title' },
      h('div', { class: 'queue-head' }, h('h2', { id: 'queue-title' }, 'Identity review queue'), refresh),
      h('p', { class: 'hint' }, 'Each pair below may be one person recorded twice. Accept if they are the same person (their records are merged into one customer); reject if they are different people (they are kept apart from now on).'),
      this.orderControl(),
      this.summary,
      this.bulk.toolbar,
      this.bulk.results,
      this.recent,
      this.list,
      this.more);
  }

  /** Oldest first or most likely first: at thousands of pairs, stewards start with the surest matches. */
  private orderControl(): HTMLElement {
    const radios = ORDERS.map(([value, label]) => {
      const input = h('input', { type: 'radio', name: 'review-order', value });
      input.checked = value === this.order;
      input.addEventListener('change', () => {
        if (!input.checked) return;
        this.order = value;
        void this.load();
      });
      return h('label', {}, input, ` ${label}`);
    });
    return h('fieldset', { class: 'order' }, h('legend', {}, 'Show'), ...radios);
  }

  async load(): Promise<void> {
    this.list.replaceChildren();
    this.bulk.clear();
    // The count of an earlier visit must not stand beside an emptied list while the queue is asked again.
    this.summary.textContent = 'Loading the review queue…';
    await this.fetchPage(null);
  }

  /** The next page after the last pair shown (keyset: pairs decided meanwhile shift nothing). */
  private async loadMore(): Promise<void> {
    const last = this.list.lastElementChild?.getAttribute('data-review-id') ?? null;
    this.more.disabled = true;
    await this.fetchPage(last);
    this.more.disabled = false;
  }

  private async fetchPage(after: string | null): Promise<void> {
    this.list.setAttribute('aria-busy', 'true');
    const result = await graphql<{ reviewQueue: MatchReview[]; reviewQueueCount: number }>(QUEUE, { first: PAGE, after, order: this.order });
    this.list.removeAttribute('aria-busy');
    this.notices.errors(result.errors);
    if (!result.data) {
      this.more.hidden = true;
      if (after === null) this.summary.textContent = 'The review queue could not be loaded (see the error above).';
      return;
    }
    this.total = result.data.reviewQueueCount;
    for (const review of result.data.reviewQueue) this.list.append(this.pairCard(review));
    this.updateSummary();
    this.bulk.refresh();
  }

  private updateSummary(): void {
    const n = this.list.children.length;
    const total = Math.max(this.total, n);
    this.summary.textContent = total === 0
      ? 'The review queue is empty: no pairs are waiting for a decision.'
      : `${total} pair${total === 1 ? '' : 's'} waiting for a decision${n < total ? `, the ${this.order === 'OLDEST_FIRST' ? `oldest ${n}` : `${n} most likely`} shown` : ''}.`;
    this.more.hidden = n >= total;
  }

  private pairCard(review: MatchReview): HTMLElement {
    const titleId = `pair-${review.id}-title`;
    const leftName = nameOf(review.left) || review.leftId;
    const rightName = nameOf(review.right) || review.rightId;
    const reasons = review.reasons.map(reasonInWords);
    const differences = differencesOf(review.left, review.right);
    const accept = h('button', { type: 'button', class: 'accept' }, 'Accept: same person');
    const reject = h('button', { type: 'button', class: 'reject' }, 'Reject: different people');
    const title = `Pair ${review.id}: ${leftName} and ${rightName}`;
    const card = h('article', { class: 'pair', 'data-review-id': review.id, 'aria-labelledby': titleId },
      h('div', { class: 'pair-head' }, h('h2', { id: titleId, class: 'pair-title' }, title), this.bulk.checkbox(review.id, title)),
      h('p', { class: 'score' }, review.score === null ? 'No match score recorded.' : `Match score ${review.score}: high enough to ask, not high enough to merge without you.`),
      h('div', { class: 'sides' }, describeCustomer(review.left, review.leftId, 'Left'), describeCustomer(review.right, review.rightId, 'Right')),
      h('h4', {}, 'What differs'),
      differences.length
        ? h('ul', { class: 'differences' }, ...differences.map((d) => h('li', {}, d)))
        : h('p', { class: 'differences' }, 'No differing values in company, country, city, email or phone.'),
      h('h4', {}, 'Why the matcher was unsure'),
      reasons.length
        ? h('ul', { class: 'reasons' }, ...reasons.map((r) => h('li', { class: r.tone }, r.text)))
        : h('p', {}, 'The matcher gave no reasons.'),
      h('div', { class: 'actions' }, accept, reject));
    const decide = async (mutation: 'accept' | 'reject') => {
      for (const b of [accept, reject]) b.disabled = true;
      card.setAttribute('aria-busy', 'true');
      const result = mutation === 'accept'
        ? await graphql<{ acceptMatch: { customer: { id: string; firstName: string | null; lastName: string | null } } }>(ACCEPT, { id: review.id })
        : await graphql<{ rejectMatch: boolean }>(REJECT, { id: review.id });
      card.removeAttribute('aria-busy');
      this.notices.errors(result.errors);
      if (result.errors.length > 0 || !result.data) {
        for (const b of [accept, reject]) b.disabled = false;
        return;
      }
      if ('acceptMatch' in result.data) {
        const survivor = result.data.acceptMatch.customer;
        const name = nameOf(survivor);
        this.notices.say(`Merged into customer ${survivor.id}${name ? ` (${name})` : ''}: ${leftName} and ${rightName} are now one customer.`);
        this.offerUndo(review, survivor.id, `${leftName} and ${rightName}`);
      } else {
        this.notices.say(`Kept apart: ${review.leftId} and ${review.rightId} stay two customers and will not be matched again.`);
      }
      this.removeCard(card);
    };
    accept.addEventListener('click', () => void decide('accept'));
    reject.addEventListener('click', () => void decide('reject'));
    return card;
  }

  /** Removes a decided pair and moves keyboard focus to the next decision, so a steward can keep going. */
  private removeCard(card: HTMLElement): void {
    const next = (card.nextElementSibling ?? card.previousElementSibling) as HTMLElement | null;
    card.remove();
    this.total = Math.max(0, this.total - 1);
    this.updateSummary();
    this.bulk.refresh();
    // The next pair's title, not its Accept button: a second Enter must not merge a pair not yet read.
    const target = next?.querySelector<HTMLElement>('.pair-title') ?? this.summary;
    target.setAttribute('tabindex', '-1');
    target.focus();
  }

  /**
   * A merge made here can be taken back at once: the merged-away side's records are split out again into a customer
   * of their own (`unmergeCustomer`), and later runs keep them apart, as a rejected pair.
   */
  private offerUndo(review: MatchReview, survivorId: string, names: string): void {
    const away = review.leftId === survivorId ? review.right : review.left;
    if (!away?.sources.length) return;
    const records = away.sources.map((s) => ({ crm: s.crm, objectType: s.objectType, recordId: s.recordId }));
    const undo = h('button', { type: 'button', class: 'undo' }, 'Undo merge');
    const line = h('li', { 'data-review-id': review.id }, `Merged ${names} into ${survivorId}. `, undo);
    undo.addEventListener('click', () => void (async () => {
      undo.disabled = true;
      const result = await graphql<{ unmergeCustomer: { customer: { id: string }; splitCustomer: { id: string } } }>(UNMERGE, { id: survivorId, records });
      this.notices.errors(result.errors);
      if (result.errors.length > 0 || !result.data) {
        undo.disabled = false;
        return;
      }
      const split = result.data.unmergeCustomer.splitCustomer.id;
      const text = `Undone: ${names} are two customers again (${survivorId} and ${split}) and will not be matched again.`;
      line.replaceChildren(text);
      this.notices.say(text);
    })());
    this.recent.prepend(line);
    this.recent.hidden = false;
  }

  /** Pairs a bulk decision took out of the queue (the bulk results say what happened; focus goes there). */
  private removeDecided(cards: readonly HTMLElement[]): void {
    for (const card of cards) card.remove();
    this.total = Math.max(0, this.total - cards.length);
    this.updateSummary();
  }
}
