/**
 * The Connectors page: one card per stored CRM connection — whether it works ("Connected", "Needs new credentials: …",
 * "Not running in this process"), what the mapping reads from it, and how much of its account's rate budget is used,
 * in words with small bars. "Test connection" asks the CRM for one object's metadata (the admin API's
 * `testConnector`) and says how it went: the connector error code and what to do next. The page never sees a
 * credential: the API does not answer any.
 * "Edit connection" on a card and "Add connector" below the list open the connection form (connector-form.ts, built
 * from `connectorKinds`) that saves through `saveConnector`: the gateway tests the settings before storing them.
 * Disable / Enable and Delete… on a card are connector-lifecycle.ts (`setConnectorEnabled`, `deleteConnector`); what
 * became of a deleted connector's records (running, waiting, done) is "Deleted connectors" below the list
 * (connector-retirements.ts, `connectorRetirements`).
 *
 * A card is updated in place (on Refresh, after a test and after a save), so keyboard focus and the last result stay
 * put. API errors go to the shared alert region with their code; a failed test goes there too, as the connector's code;
 * a refused save is shown in its form.
 */
import './connectors.css';
import { graphql } from './api.ts';
import type { ApiResult } from './api.ts';
import { KINDS_QUERY } from './connector-form.ts';
import { FormToggle } from './connector-form-toggle.ts';
import type { ConnectorKind, SaveConnectorInput, SaveOutcome } from './connector-form.ts';
import { LifecycleControls } from './connector-lifecycle.ts';
import { RetirementsView } from './connector-retirements.ts';
import { reauthorise, statusOf } from './connector-status.ts';
import type { FailingObject } from './connector-status.ts';
import { h } from './dom.ts';
import type { Notices } from './review-queue.ts';
import { crmName, when } from './sync-words.ts';

interface RateBudget {
  accountId: string;
  blockedUntil: string | null;
  daily: { used: number; limit: number; remaining: number } | null;
  window: { max: number; remaining: number; intervalMs: number } | null;
  concurrency: { limit: number; inFlight: number };
  waiting: { interactive: number; writeback: number; sync: number };
  totals: { sent: number; rateLimited: number; refusedBudget: number };
}
interface ConnectorHealth {
  id: string; crm: string; name: string; baseUrl: string | null; status: string; statusReason: string | null;
  demo: boolean; running: boolean; objects: { objectType: string; goldenTypes: string[] }[]; receivesWebhooks: boolean | null; rateBudget: RateBudget | null;
  /** From Sync health, with the list only (a test or save answers the connector alone: the card keeps the last). */
  failingObjects?: readonly FailingObject[];
}
interface SaveResult extends SaveOutcome { connector: ConnectorHealth }
interface TestResult { ok: boolean; ms: number; objectsChecked: string[]; error: { code: string; message: string } | null; connector: ConnectorHealth }

const HEALTH = `id crm name baseUrl status statusReason demo running objects { objectType goldenTypes } receivesWebhooks
  rateBudget { accountId blockedUntil daily { used limit remaining } window { max remaining intervalMs }
    concurrency { limit inFlight } waiting { interactive writeback sync } totals { sent rateLimited refusedBudget } }`;
// Sync health's polls too: a running connector whose objects cannot be polled must not read as plain "Connected".
const LIST = `query Connectors { connectors { ${HEALTH} }
  syncHealth { changeCapture { connectorId objectType consecutiveFailures lastError { code crm } } } }`;
interface PollLine { connectorId: string; objectType: string | null; consecutiveFailures: number; lastError: { code: string; crm: string | null } | null }
const TEST = `mutation TestConnector($id: ID!) { testConnector(id: $id) { ok ms objectsChecked error { code message } connector { ${HEALTH} } } }`;
const SAVE = `mutation SaveConnector($input: SaveConnectorInput!) {
  saveConnector(input: $input) { connector { ${HEALTH} } test { ms objectsChecked } applied restartReason } }`;
const save = (input: SaveConnectorInput) => graphql<{ saveConnector: SaveResult }>(SAVE, { input });

const num = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, singular: string, many = `${singular}s`) => `${num(n)} ${n === 1 ? singular : many}`;
const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}-second` : `${num(ms)} ms`);

/** What a failed test means for an integration admin, by connector error code. */
function testAdvice(code: string, c: ConnectorHealth): string {
  const crm = crmName(c.crm);
  switch (code) {
    case 'CRM_AUTH_FAILED':
      return `${crm} refused the connector's credentials (rejected, expired or revoked). ${reauthorise(c)}`;
    case 'CRM_UNAVAILABLE':
      return `${crm} could not be reached or answered with an error. Check ${crm}'s status page, and that the address ${c.baseUrl ?? '(none stored)'} is right and reachable from the gateway's server; then test again.`;
    case 'CRM_TIMEOUT':
      return `${crm} did not answer in time. Check ${crm}'s status page and the gateway server's network connection, then test again.`;
    case 'CRM_RATE_LIMITED':
      return `${crm} asked us to slow down (too many calls for now). Wait a minute and test again: calls resume by themselves and nothing is lost.`;
    case 'CRM_BUDGET_EXHAUSTED':
      return `The daily allowance of ${crm} API calls is used up. Wait until it renews, or raise it in ${crm}.`;
    case 'CRM_VALIDATION':
    case 'CRM_NOT_FOUND':
      return `${crm} refused to describe the object: it may have been renamed or removed, or the connector's user may not see it. Check the mapping configuration and that user's permissions in ${crm}.`;
    default:
      return 'Test again; if it keeps failing, the gateway log has the details.';
  }
}

let nextId = 0;
const uid = (what: string) => `cn-${what}-${++nextId}`;

/** A sentence with a small bar under it; the bar is labelled by the sentence, so it is read with its meaning. */
function barLine(text: string, used: number, max: number, kind: string): HTMLElement {
  const id = uid(kind);
  return h('li', { class: `budget-${kind}` },
    h('span', { id }, text),
    h('meter', { min: '0', max: String(Math.max(max, 1)), value: String(Math.min(used, max)), low: String(max * 0.6), high: String(max * 0.85), optimum: '0', 'aria-labelledby': id }));
}

function budgetLines(c: ConnectorHealth): HTMLElement[] {
  const b = c.rateBudget;
  if (!b) return [h('p', {}, 'No live rate budget: the connector is not running in this process.')];
  const crm = crmName(c.crm);
  const lines: HTMLElement[] = [];
  if (b.blockedUntil) lines.push(h('li', { class: 'warn' }, `Paused until ${when(b.blockedUntil)}: ${crm} asked us to slow down. Calls wait and resume by themselves.`));
  lines.push(b.daily
    ? barLine(`${num(b.daily.used)} of ${num(b.daily.limit)} daily API calls used (${num(b.daily.remaining)} left).`, b.daily.used, b.daily.limit, 'daily')
    : h('li', { class: 'budget-daily' }, `Daily API allowance not known yet: it is learnt from ${crm}'s answers.`));
  if (b.window) {
    const used = b.window.max - b.window.remaining;
    lines.push(barLine(`${num(used)} of ${num(b.window.max)} calls used in the current ${seconds(b.window.intervalMs)} window.`, used, b.window.max, 'window'));
  }
  lines.push(h('li', { class: 'budget-concurrency' }, `${plural(b.concurrency.inFlight, 'call')} in flight now (at most ${num(b.concurrency.limit)} at once).`));
  const waiting = b.waiting.interactive + b.waiting.writeback + b.waiting.sync;
  const lanes = [[b.waiting.interactive, 'for people using the API'], [b.waiting.writeback, 'write-back'], [b.waiting.sync, 'background sync']] as const;
  lines.push(h('li', { class: waiting > 0 ? 'budget-waiting warn' : 'budget-waiting' }, waiting === 0
    ? 'No call is waiting for budget.'
    : `${plural(waiting, 'call')} waiting for budget: ${lanes.filter(([n]) => n > 0).map(([n, lane]) => `${num(n)} ${lane}`).join(', ')}.`));
  lines.push(h('li', { class: 'budget-totals' }, `Since the gateway started: ${plural(b.totals.sent, 'call')} sent, `
    + `${num(b.totals.rateLimited)} refused by ${crm} for rate limiting, ${num(b.totals.refusedBudget)} held back to stay within the daily allowance.`));
  return [h('ul', { class: 'budget' }, ...lines)];
}

function usedFor(c: ConnectorHealth): HTMLElement {
  if (c.objects.length === 0) return h('p', {}, `The mapping configuration reads nothing from ${crmName(c.crm)}.`);
  return h('ul', { class: 'objects' }, ...c.objects.map((o) =>
    h('li', { 'data-object': o.objectType }, h('strong', {}, o.objectType), ` — feeds the golden ${o.goldenTypes.join(' and ')}`)));
}

/** What a card needs of its page: the catalogue of connectable CRMs (loaded once) and a word when a card changed. */
interface CardContext {
  notices: Notices;
  kinds(): Promise<ApiResult<ConnectorKind[]>>;
  changed(): void;
  deleted(id: string): void;
}

/** One connector's card; `update` re-renders what the API answered without replacing the buttons or the results. */
class ConnectorCard {
  readonly element: HTMLElement;
  private readonly title = h('h3', {});
  private readonly names: HTMLElement[] = [];
  private readonly sections: [string, HTMLElement][] = [];
  private readonly status = h('div', { class: 'connector-status' });
  private readonly facts = h('dl', { class: 'connector-facts' });
  private readonly objects = h('div', {});
  private readonly budget = h('div', {});
  private readonly button: HTMLButtonElement;
  private readonly buttonNote = h('p', { class: 'hint' });
  private readonly result = h('div', { class: 'test-result', 'aria-live': 'polite' });
  private readonly lifecycle: LifecycleControls<ConnectorHealth>;
  private health: ConnectorHealth;
  private busy = false;

  constructor(health: ConnectorHealth, private readonly ctx: CardContext) {
    this.health = health;
    this.title.id = uid('title');
    this.title.tabIndex = -1;
    const noteId = uid('note');
    this.buttonNote.id = noteId;
    const named = (prefix: string) => {
      const span = h('span', { class: 'cn-visually-hidden' });
      this.names.push(span);
      span.dataset.prefix = prefix;
      return span;
    };
    this.button = h('button', { type: 'button', class: 'test', 'aria-describedby': noteId }, 'Test connection', named(' to '));
    this.button.addEventListener('click', () => void this.test());
    const editButton = h('button', { type: 'button', class: 'secondary edit' }, 'Edit connection', named(' of '));
    const editSlot = h('div', { class: 'connector-edit' });
    const saveStatus = h('p', { class: 'save-status', role: 'status' });
    new FormToggle<SaveResult>({
      button: editButton, slot: editSlot, status: saveStatus, kinds: ctx.kinds, editing: () => this.health, save,
      saved: (r) => {
        this.update(r.connector);
        ctx.notices.errors([]);
        ctx.changed();
      },
    });
    this.lifecycle = new LifecycleControls<ConnectorHealth>(health, {
      notices: ctx.notices, fields: HEALTH, deleted: (c) => ctx.deleted(c.id),
      updated: (c) => {
        this.update(c);
        ctx.changed();
      },
    });
    const section = (label: string, body: HTMLElement) => {
      const el = h('section', {}, h('h4', {}, label), body);
      this.sections.push([label, el]);
      return el;
    };
    this.element = h('article', { class: 'connector', 'data-connector': health.id, 'aria-labelledby': this.title.id },
      this.title,
      this.status,
      this.facts,
      section('Used for', this.objects),
      section('Rate budget', this.budget),
      h('div', { class: 'connector-actions' }, this.button, editButton, this.buttonNote),
      this.lifecycle.element,
      this.result,
      saveStatus,
      editSlot);
    this.update(health);
  }

  get connector(): ConnectorHealth {
    return this.health;
  }

  focusTitle(): void {
    this.title.focus();
  }

  update(next: ConnectorHealth): void {
    const c = next.failingObjects ? next : { ...next, failingObjects: this.health?.failingObjects };
    this.health = c;
    this.title.textContent = c.name;
    for (const span of this.names) span.textContent = `${span.dataset.prefix ?? ' '}${c.name}`;
    for (const [label, el] of this.sections) el.setAttribute('aria-label', `${label}: ${c.name}`);
    const s = statusOf(c);
    this.status.className = `connector-status ${s.tone}`;
    this.status.replaceChildren(h('p', {}, h('strong', {}, s.label)), ...(s.detail ? [h('p', { class: 'detail' }, s.detail)] : []));
    const fact = (term: string, value: string) => [h('dt', {}, term), h('dd', {}, value)];
    this.facts.replaceChildren(
      ...fact('CRM', crmName(c.crm)),
      ...fact('Address', c.baseUrl ?? '—'),
      ...fact('Connector id', c.id),
      ...(c.demo ? fact('Kind', 'Demo sandbox (local, seeded with demo data)') : []),
      ...(c.rateBudget ? fact('Account', c.rateBudget.accountId) : []),
      ...(c.receivesWebhooks === null ? [] : fact('Changes arrive', c.receivesWebhooks
        ? 'As they happen, by webhook; polling catches what a webhook misses'
        : 'By polling (this connector takes no webhooks)')));
    this.element.dataset.status = c.status;
    this.lifecycle.update(c);
    this.objects.replaceChildren(usedFor(c));
    this.budget.replaceChildren(...budgetLines(c));
    this.button.disabled = !c.running;
    this.buttonNote.textContent = c.running
      ? `Asks ${crmName(c.crm)} for the description of one mapped object: proves the address, the credentials and API access.`
      : 'Only a connector running in this process can be tested.';
  }

  private async test(): Promise<void> {
    const c = this.health;
    if (this.busy) return;
    // Not `disabled`: a disabled button drops keyboard focus, and the user would have to find their place again.
    this.busy = true;
    this.button.setAttribute('aria-disabled', 'true');
    this.button.setAttribute('aria-busy', 'true');
    this.result.className = 'test-result';
    this.result.replaceChildren(h('p', {}, `Testing the connection to ${c.name}…`));
    const res = await graphql<{ testConnector: TestResult }>(TEST, { id: c.id });
    this.busy = false;
    this.button.removeAttribute('aria-busy');
    this.button.removeAttribute('aria-disabled');
    const r = res.data?.testConnector;
    if (!r) {
      this.ctx.notices.errors(res.errors);
      this.result.className = 'test-result error';
      this.result.replaceChildren(h('p', {}, 'The test could not be run (see the error above).'));
      return;
    }
    this.update(r.connector);
    const checked = r.objectsChecked.join(', ') || 'the CRM\'s objects';
    if (r.ok) {
      this.ctx.notices.errors([]);
      this.ctx.notices.say(`${c.name}: the connection works.`);
      this.result.className = 'test-result ok';
      this.result.replaceChildren(h('p', {}, h('strong', {}, 'Connection works'), ` — read the description of ${checked} in ${num(r.ms)} ms.`));
      return;
    }
    const e = r.error ?? { code: 'UNKNOWN_ERROR', message: 'the test failed' };
    this.ctx.notices.errors([{ code: e.code, message: `Testing ${c.name} failed: ${e.message}` }]);
    this.result.className = 'test-result error';
    this.result.replaceChildren(
      h('p', {}, h('strong', {}, 'Connection failed'), ` after ${num(r.ms)} ms (${checked}): `, h('code', { class: 'code' }, e.code), ` — ${e.message}`),
      h('p', { class: 'todo' }, `What to do: ${testAdvice(e.code, r.connector)}`));
  }
}

function summaryOf(list: readonly ConnectorHealth[]): string {
  if (list.length === 0) return 'No CRM connector is stored. Add one with Add connector below (or in the environment, README Configuration, and restart the gateway).';
  const attention = list.filter((c) => statusOf(c).tone === 'error').map((c) => c.name);
  const running = list.filter((c) => c.running).length;
  const head = `${plural(list.length, 'connector')}, ${num(running)} running in this process.`;
  return attention.length ? `${head} Needs attention: ${attention.join(', ')}.` : head;
}

export class ConnectorsView {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly list: HTMLElement;
  private readonly cards = new Map<string, ConnectorCard>();
  private readonly retirements = new RetirementsView();
  private readonly context: CardContext;
  /** The catalogue of connectable CRMs, once it loaded (it does not change while the gateway runs). */
  private kinds: ConnectorKind[] | undefined;

  constructor(private readonly notices: Notices) {
    this.summary = h('p', { class: 'summary', 'aria-live': 'polite' }, 'Loading connectors…');
    this.list = h('div', { class: 'connector-list' });
    const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load());
    const add = { button: h('button', { type: 'button', class: 'add' }, 'Add connector'), slot: h('div', {}), status: h('p', { class: 'save-status', role: 'status' }) };
    this.context = { notices, kinds: () => this.loadKinds(), changed: () => this.summarise(), deleted: (id) => this.removed(id, add.button) };
    new FormToggle<SaveResult>({
      ...add, kinds: this.context.kinds, save,
      saved: () => {
        notices.errors([]);
        void this.load();
      },
    });
    this.element = h('main', { id: 'connectors', 'aria-labelledby': 'connectors-title' },
      h('div', { class: 'queue-head' }, h('h2', { id: 'connectors-title' }, 'Connectors'), refresh),
      h('p', { class: 'hint' }, 'Each CRM account customer-graph reads and writes: whether it works, what it is used for, and how much of its API allowance is used. '
        + 'Edit connection changes a connector\'s name, address or credentials; the gateway tests new settings before it stores them. Credentials are never shown.'),
      this.summary,
      this.list,
      this.retirements.element,
      h('section', { class: 'connector-add', 'aria-label': 'Add a connector' }, add.button, add.status, add.slot));
  }

  async load(): Promise<void> {
    void this.retirements.load();
    this.list.setAttribute('aria-busy', 'true');
    const result = await graphql<{ connectors: ConnectorHealth[]; syncHealth: { changeCapture: PollLine[] } | null }>(LIST);
    this.list.removeAttribute('aria-busy');
    this.notices.errors(result.errors);
    if (!result.data) {
      this.summary.textContent = 'Connectors could not be loaded (see the error above).';
      this.cards.clear();
      this.list.replaceChildren();
      return;
    }
    const polls = result.data.syncHealth?.changeCapture ?? [];
    const list = result.data.connectors.map((c) => ({
      ...c,
      failingObjects: polls.filter((p) => p.connectorId === c.id && p.lastError)
        .map((p) => ({ objectType: p.objectType ?? c.name, code: p.lastError!.code, crm: p.lastError!.crm, consecutiveFailures: p.consecutiveFailures })),
    }));
    const cards = list.map((c) => {
      const card = this.cards.get(c.id);
      if (card) {
        card.update(c);
        return card;
      }
      const made = new ConnectorCard(c, this.context);
      this.cards.set(c.id, made);
      return made;
    });
    for (const id of [...this.cards.keys()]) if (!list.some((c) => c.id === id)) this.cards.delete(id);
    this.summarise();
    // Re-inserting the same cards would drop keyboard focus from a card's button: only when the set or order changed.
    const same = cards.length === this.list.children.length && cards.every((c, i) => this.list.children[i] === c.element);
    if (!same) this.list.replaceChildren(...cards.map((c) => c.element));
  }

  /** A deleted connector's card goes; focus moves to the next card's heading, or to Add connector after the last. */
  private removed(id: string, fallback: HTMLElement): void {
    const card = this.cards.get(id);
    if (!card) return;
    const next = card.element.nextElementSibling?.getAttribute('data-connector');
    card.element.remove();
    this.cards.delete(id);
    this.summarise();
    // Its records now leave the golden records in the background: "Deleted connectors" shows how far.
    void this.retirements.load();
    const to = next ? this.cards.get(next) : undefined;
    if (to) to.focusTitle();
    else fallback.focus();
  }

  private summarise(): void {
    this.summary.textContent = `${summaryOf([...this.cards.values()].map((c) => c.connector))} As of ${new Date().toLocaleTimeString()}.`;
  }

  private async loadKinds(): Promise<ApiResult<ConnectorKind[]>> {
    if (this.kinds) return { data: this.kinds, errors: [] };
    const res = await graphql<{ connectorKinds: ConnectorKind[] }>(KINDS_QUERY);
    this.kinds = res.data?.connectorKinds;
    return { data: this.kinds, errors: res.errors };
  }
}
