/**
 * The Sync health page: whether change capture (polling cursors, the webhook inbox) and write-back (the outbox,
 * dead letters) are keeping up, in sentences an integration admin can act on. Read-only: replaying a dead letter
 * stays on the CLI, and the page says how. API errors go to the shared error region with their code.
 */
import { graphql } from './api.ts';
import { h } from './dom.ts';
import type { Child } from './dom.ts';
import type { Notices } from './review-queue.ts';
import { StoredRecordsNotice, unfinished as resyncUnfinished } from './stored-records-notice.ts';
import { age, count, crmName, listed, POLL_SILENT_SECONDS, pollProblem, processName, when } from './sync-words.ts';

interface PollError { code: string; message: string; at: string; crm: string | null }
interface Cursor {
  connectorId: string; crm: string; connectorName: string | null; objectType: string | null; updatedAt: string | null; ageSeconds: number | null;
  lastPolledAt: string | null; lastPollAgeSeconds: number | null; lastSuccessAgeSeconds: number | null; recordsLastPoll: number | null;
  lastError: PollError | null; consecutiveFailures: number;
}
interface Inbox { connectorId: string; crm: string; unprocessed: number; oldestAgeSeconds: number | null; failed: number; lastError: string | null }
interface Outbox {
  connectorId: string; crm: string; objectType: string;
  pending: number; retrying: number; inFlight: number; doneLastHour: number; stale: number; dead: number; oldestPendingAgeSeconds: number | null;
}
interface DeadLetter { id: string; crm: string; objectType: string; recordId: string | null; code: string; nativeCode: string | null; message: string; createdAt: string }
interface MappingProblem { goldenType: string; crm: string; objectType: string; field: string; reason: string; goldenFields: string[] }
interface Leader { owner: string; since: string; renewedAt: string; expiresAt: string; expired: boolean }
interface SyncHealth {
  generatedAt: string;
  changeCaptureLeader: Leader | null;
  changeCapture: Cursor[];
  webhookInbox: Inbox[];
  writeBack: Outbox[];
  deadLetters: { open: number; newest: DeadLetter[] };
}

const RESYNC_FIELDS = 'state goldenTypes startedAt finishedAt objects { goldenType crm objectType records } snapshotsChanged failedObjects { crm objectType code } error';

const QUERY = `query SyncHealth { syncHealth(newestDeadLetters: 10) {
  generatedAt
  changeCaptureLeader { owner since renewedAt expiresAt expired }
  changeCapture { connectorId crm connectorName objectType updatedAt ageSeconds
    lastPolledAt lastPollAgeSeconds lastSuccessAgeSeconds recordsLastPoll consecutiveFailures lastError { code message at crm } }
  webhookInbox { connectorId crm unprocessed oldestAgeSeconds failed lastError }
  writeBack { connectorId crm objectType pending retrying inFlight doneLastHour stale dead oldestPendingAgeSeconds }
  deadLetters { open newest { id crm objectType recordId code nativeCode message createdAt } }
}
  mappingProblems { goldenType crm objectType field reason goldenFields }
  resyncStatus { ${RESYNC_FIELDS} }
}`;

const REPLAY = 'customer-graph deadletters replay --id';

/** A mapped native field the CRM does not serve: which golden fields lost that source, and what to do. */
function problemLine(p: MappingProblem): HTMLElement {
  const crm = crmName(p.crm);
  const fields = p.goldenFields.length ? p.goldenFields.map((f) => `${p.goldenType}.${f}`).join(', ') : p.goldenType;
  return h('li', { class: 'error', 'data-crm': p.crm, 'data-field': p.field },
    h('strong', { class: 'problem' }, `${crm} ${p.objectType}.${p.field} is not served by ${crm}: ${fields} reads nothing from it.`),
    ` It was renamed or deleted in ${crm}, or the mapping names it wrongly. Map ${fields} to the right ${crm} field on the Field mapping page. (${p.reason})`);
}

/**
 * Where a CRM pushes its changes over a stream the gateway opens (Salesforce Change Data Capture), the stream's
 * position is kept with the polling cursors under this name (sync/change-stream.ts): it is no object, and not polled.
 */
const CHANGE_STREAM = 'change-stream';

const streamSentence = (c: Cursor) => `${crmName(c.crm)} change stream — ${crmName(c.crm)} pushes each change as it is committed`
  + (c.ageSeconds === null ? '.' : `; the last one arrived ${age(c.ageSeconds)} ago.`);

const objectName = (c: Cursor) => (c.objectType ? `${crmName(c.crm)} ${c.objectType}` : (c.connectorName ?? crmName(c.crm)));

/**
 * One CRM object: a failing poll in red (what failed, what to do, then the CRM's own words), otherwise when
 * it was last polled and what that found — so a quiet object (polled, nothing new) is not taken for a stopped one.
 * Objects without a stored poll (polling off, or not polled since this was recorded) keep the cursor sentence.
 */
function cursorLine(c: Cursor): HTMLElement {
  const name = objectName(c);
  const attrs = { 'data-connector': c.connectorId, 'data-object': c.objectType ?? undefined, title: c.lastPolledAt ?? c.updatedAt ?? undefined };
  if (c.objectType === CHANGE_STREAM) return h('li', attrs, streamSentence(c));
  const moved = c.ageSeconds === null ? '' : ` Changes last read ${age(c.ageSeconds)} ago.`;
  if (c.lastError) {
    const e = c.lastError;
    const { problem, todo } = pollProblem(e.code, crmName(e.crm ?? c.crm));
    const runs = c.consecutiveFailures > 1 ? `${c.consecutiveFailures} polls in a row have failed, the last` : 'The last poll failed';
    const since = c.lastSuccessAgeSeconds === null ? 'No poll of it has succeeded yet.' : `Last successful poll ${age(c.lastSuccessAgeSeconds)} ago.`;
    // Applying one CRM's changes reads the other sources of the customers concerned (sync/poller.ts), so this
    // object's poll can fail because another CRM is down: say which one is to fix, not that this one is unreadable.
    const other = e.crm && e.crm !== c.crm ? crmName(e.crm) : null;
    const headline = other
      ? `${name}: its changes wait, because applying them also needs ${other}'s values and ${problem}.`
      : `${name} cannot be read: ${problem}.`;
    return h('li', { ...attrs, class: 'error' },
      h('strong', { class: 'problem' }, headline),
      ` ${runs} ${age(c.lastPollAgeSeconds ?? 0)} ago. ${since}`,
      // Leading spaces: the spans are blocks on screen, but read aloud (and copied) as one text.
      h('span', { class: 'todo' }, ` What to do: ${todo}`),
      h('span', { class: 'error-detail' }, ` ${crmName(e.crm ?? c.crm)} said: `, h('code', {}, `${e.code} — ${e.message}`)));
  }
  if (c.lastPollAgeSeconds !== null) {
    const found = !c.recordsLastPoll ? 'nothing new' : `${count(c.recordsLastPoll, 'record')} read`;
    const text = `${name} — last polled ${age(c.lastPollAgeSeconds)} ago, ${found}.${moved}`;
    if (c.lastPollAgeSeconds < POLL_SILENT_SECONDS) return h('li', attrs, text);
    return h('li', { ...attrs, class: 'warn' }, text,
      ` Polling normally runs every few seconds: check that the gateway is running and that polling has not been turned off.`);
  }
  const text = c.ageSeconds === null
    ? `${name} — not polled yet: the first poll will read every record.`
    : `${name} — changes read up to ${age(c.ageSeconds)} ago.`;
  return h('li', attrs, text);
}

/**
 * Which gateway or worker polls and streams: one per database, so a replica whose log shows no polling is not
 * mistaken for a broken one, and a leader that died shows until another takes over.
 */
function leaderLine(l: Leader | null): HTMLElement {
  if (!l) return h('p', { id: 'change-capture-leader', class: 'warn' }, 'No gateway or worker polls the CRMs or keeps their change streams open right now: check that one is running.');
  if (l.expired) {
    return h('p', { id: 'change-capture-leader', class: 'warn', title: l.expiresAt },
      `Polling and change streams ran in ${processName(l.owner)} until ${when(l.expiresAt)}, which stopped renewing its turn; another gateway or worker takes over within seconds, if one is running.`);
  }
  return h('p', { id: 'change-capture-leader', title: `${l.owner}: renewed ${when(l.renewedAt)}, runs out ${when(l.expiresAt)} unless renewed` },
    `Polling and change streams run in ${processName(l.owner)} (since ${when(l.since)}); the other gateways and workers apply what it reads.`);
}

/** Above the list, so a failing object is seen without reading every line. */
function readingSummary(lines: readonly Cursor[]): HTMLElement | null {
  const failing = lines.filter((c) => c.lastError).map(objectName);
  if (failing.length === 0) return null;
  const what = failing.length === 1 ? '1 CRM object cannot' : `${failing.length} CRM objects cannot`;
  // "brought up to date", not "read": an object can fail because another CRM its changes need is down.
  return h('p', { class: 'alert' }, `${what} be brought up to date right now: ${failing.join(', ')}. See what to do below.`);
}

function inboxLine(i: Inbox): HTMLElement {
  const parts = [`${crmName(i.crm)}: ${count(i.unprocessed, 'webhook event')} waiting to be processed${i.oldestAgeSeconds === null ? '' : `, oldest ${age(i.oldestAgeSeconds)}`}.`];
  if (i.failed > 0) parts.push(`${count(i.failed, 'event')} failed at least once and will be tried again${i.lastError ? ` (last error: ${i.lastError})` : ''}.`);
  return h('li', { 'data-connector': i.connectorId, class: i.failed > 0 ? 'warn' : undefined }, parts.join(' '));
}

function outboxLine(o: Outbox): HTMLElement {
  const crm = crmName(o.crm);
  const waiting = o.pending + o.retrying;
  const parts = [waiting === 0
    ? `Nothing waiting to be written to ${crm} ${o.objectType}.`
    : `${count(waiting, 'change')} waiting to be written to ${crm} ${o.objectType}${o.oldestPendingAgeSeconds === null ? '' : `, oldest ${age(o.oldestPendingAgeSeconds)}`}.`];
  if (o.retrying > 0) parts.push(`${o.retrying} of them failed for a passing reason (for example a rate limit) and will be retried.`);
  if (o.inFlight > 0) parts.push(`${count(o.inFlight, 'write')} being sent now.`);
  parts.push(`${count(o.doneLastHour, 'write')} done in the last hour.`);
  if (o.stale > 0) parts.push(`${count(o.stale, 'write')} skipped because the record changed in ${crm} in the meantime.`);
  if (o.dead > 0) parts.push(`${count(o.dead, 'write')} refused by ${crm} for good (see failed writes below).`);
  return h('li', { 'data-connector': o.connectorId, 'data-object': o.objectType, class: o.dead > 0 || o.retrying > 0 ? 'warn' : undefined }, parts.join(' '));
}

function deadLetterTable(letters: readonly DeadLetter[]): HTMLElement {
  const cell = (text: string) => h('td', {}, text);
  return h('table', { class: 'dead-letters' },
    h('caption', {}, 'Newest failed writes'),
    h('thead', {}, h('tr', {}, ...['Id', 'CRM', 'Record', 'Code', 'What the CRM said', 'When'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...letters.map((d) => h('tr', { 'data-dead-letter': d.id },
      cell(d.id), cell(`${crmName(d.crm)} ${d.objectType}`), cell(d.recordId ?? '—'),
      cell(d.nativeCode ? `${d.code} (${d.nativeCode})` : d.code), cell(d.message), cell(when(d.createdAt))))));
}

interface Resync {
  state: string; goldenTypes: string[] | null; startedAt: string | null; finishedAt: string | null;
  objects: { goldenType: string; crm: string; objectType: string; records: number }[];
  snapshotsChanged: number; failedObjects: { crm: string; objectType: string; code: string }[]; error: string | null;
}

/** The resync in words: how far a running one got, or how the last one ended. */
function resyncWords(r: Resync): string {
  const read = r.objects.map((o) => `${crmName(o.crm)} ${o.objectType}: ${count(o.records, 'record')}`).join('; ');
  if (r.state === 'idle') return 'Never run. Changed mappings and quality checks apply to a record when it next changes in a CRM; re-read every record to apply them to all now.';
  if (r.state === 'running' && r.goldenTypes) return `Re-reading the ${listed(r.goldenTypes)} records, started ${when(r.startedAt!)}${read ? ` — ${read}` : ''}…`;
  if (r.state === 'running') return `Re-reading every record, started ${when(r.startedAt!)}${read ? ` — ${read}` : ''}…`;
  // The gateway running it stopped or died: another (or the same, restarted) picks it up at its next check.
  if (r.state === 'interrupted') return `Interrupted: the gateway re-reading ${r.goldenTypes ? `the ${listed(r.goldenTypes)} records` : 'every record'} (started ${when(r.startedAt!)}) stopped before it was done${read ? ` — ${read}` : ''}. It will resume within a minute, from the start of the record type it was reading.`;
  if (r.state === 'failed') return `The last run failed (${r.error ?? 'see the gateway log'}); run it again.`;
  const failed = r.failedObjects.length ? ` Could not read: ${r.failedObjects.map((f) => `${crmName(f.crm)} ${f.objectType} (${f.code})`).join(', ')}.` : '';
  return `Last run ended ${when(r.finishedAt!)}: ${read || 'nothing to read'}; ${count(r.snapshotsChanged, 'golden record')} changed.${failed}`;
}

export class SyncHealthView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly asOf: HTMLElement;
  private readonly resync = h('p', { id: 'resync-status', role: 'status' }, '');
  private readonly resyncButton = h('button', { type: 'button', class: 'secondary' }, 'Re-read every record');
  private polling: ReturnType<typeof setTimeout> | undefined;
  /** Stale stored records, with a button re-reading their types; the resync below follows that run. */
  private readonly stored: StoredRecordsNotice;
  private resyncUnfinished = false;

  constructor(private readonly notices: Notices) {
    this.asOf = h('p', { class: 'as-of', 'aria-live': 'polite' }, 'Loading sync health…');
    this.body = h('div', { class: 'sync-body' });
    const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load());
    this.resyncButton.addEventListener('click', () => void this.startResync());
    // A run was just started: whatever state the next status shows other than unfinished means it ended (a small run
    // may be over before the first status), and the notice asks again which types are stale.
    this.stored = new StoredRecordsNotice(notices, () => {
      this.resyncUnfinished = true;
      void this.followResync();
    });
    this.element = h('main', { id: 'sync-health', 'aria-labelledby': 'sync-title' },
      h('div', { class: 'queue-head' }, h('h2', { id: 'sync-title' }, 'Sync health'), refresh),
      h('p', { class: 'hint' }, 'Whether changes made in your CRMs are being read, and whether changes made here are being written back to them.'),
      this.asOf,
      this.body,
      h('section', { id: 'sync-resync', 'aria-labelledby': 'sync-resync-title' },
        h('h3', { id: 'sync-resync-title' }, 'Re-reading every record'), this.stored.element, this.resync, this.resyncButton));
  }

  /** Starts a resync (admin API `startResync`) and follows it every 2 s until it ends. */
  private async startResync(): Promise<void> {
    this.resyncButton.disabled = true;
    const res = await graphql<{ startResync: Resync }>(`mutation StartResync { startResync { ${RESYNC_FIELDS} } }`);
    this.notices.errors(res.errors);
    if (res.data) this.showResync(res.data.startResync);
    else this.resyncButton.disabled = false;
  }

  private async followResync(): Promise<void> {
    const res = await graphql<{ resyncStatus: Resync }>(`query ResyncStatus { resyncStatus { ${RESYNC_FIELDS} } }`);
    if (res.data) this.showResync(res.data.resyncStatus);
  }

  private showResync(r: Resync): void {
    this.resync.textContent = resyncWords(r);
    const unfinished = resyncUnfinished(r.state);
    // A run just ended: the records it read follow the mapping in force now.
    if (this.resyncUnfinished && !unfinished) void this.stored.refresh();
    this.resyncUnfinished = unfinished;
    this.resyncButton.disabled = unfinished;
    clearTimeout(this.polling);
    // Only while the page is shown: a detached view stops following.
    if (unfinished) this.polling = setTimeout(() => { if (this.element.isConnected) void this.followResync(); }, 2000);
  }

  async load(): Promise<void> {
    this.body.setAttribute('aria-busy', 'true');
    const result = await graphql<{ syncHealth: SyncHealth; mappingProblems: MappingProblem[]; resyncStatus: Resync }>(QUERY);
    this.body.removeAttribute('aria-busy');
    this.notices.errors(result.errors);
    if (!result.data) {
      this.asOf.textContent = 'Sync health could not be loaded (see the error above).';
      this.body.replaceChildren();
      return;
    }
    const s = result.data.syncHealth;
    this.asOf.textContent = `As of ${when(s.generatedAt)}.`;
    const section = (id: string, title: string, ...children: Child[]) =>
      h('section', { id, 'aria-labelledby': `${id}-title` }, h('h3', { id: `${id}-title` }, title), ...children);
    const list = (items: HTMLElement[], empty: string) => (items.length ? h('ul', {}, ...items) : h('p', {}, empty));
    const dead = s.deadLetters;
    const problems = result.data.mappingProblems;
    this.showResync(result.data.resyncStatus);
    void this.stored.refresh();
    this.body.replaceChildren(
      ...(problems.length ? [section('sync-mapping', 'Mapped fields the CRMs no longer serve', h('ul', {}, ...problems.map(problemLine)))] : []),
      section('sync-reading', 'Reading changes from the CRMs', leaderLine(s.changeCaptureLeader), readingSummary(s.changeCapture), list(s.changeCapture.map(cursorLine), 'No CRM is connected yet.')),
      section('sync-webhooks', 'Webhook events', list(s.webhookInbox.map(inboxLine), 'No webhook events waiting: every event received has been processed.')),
      section('sync-writeback', 'Writing changes back to the CRMs', list(s.writeBack.map(outboxLine), 'Nothing waiting to be written, and nothing written in the last hour.')),
      section('sync-dead-letters', 'Failed writes',
        dead.open === 0
          ? h('p', {}, 'No failed writes waiting for attention.')
          : h('p', { class: 'warn' }, `${count(dead.open, 'write')} failed permanently: see below. Fix the cause (what the CRM said), then replay with `,
            h('code', {}, `${REPLAY} ${dead.newest[0]?.id ?? '<id>'}`), ' (or --all) on the gateway host; this page does not replay.'),
        dead.newest.length ? deadLetterTable(dead.newest) : null));
  }
}
