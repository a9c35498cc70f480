/**
 * "Deleted connectors" on the Connectors page: where the removal of each deleted connector's records stands (the
 * admin API's `connectorRetirements`). Deleting a connector with 200,000 links returns at once and the links are
 * retired in the background, possibly by another process; without this an admin could only read the server log.
 * Each deletion says in plain words whether it is running ("Removing 12,400 links of 'HubSpot EU' — 3,100 left"),
 * waiting (its run stopped, failed or its process died: the next check continues it within a minute) or done, with the
 * golden records deleted and recomputed, the last progress, who works on it and the last error.
 *
 * The list reloads with the page, after a deletion, and every few seconds while a deletion is not finished (and the
 * page is shown), so an admin watching sees it move; nothing reloads once all are done.
 */
import { graphql } from './api.ts';
import { h } from './dom.ts';
import { crmName, when } from './sync-words.ts';

export interface ConnectorRetirement {
  connectorId: string; crm: string; connectorName: string | null; deletedAt: string;
  state: 'RUNNING' | 'WAITING' | 'FINISHED';
  linksRetired: number; linksRemaining: number; goldenDeleted: number; snapshotsRecomputed: number;
  lastProgressAt: string | null; finishedAt: string | null; leaseOwner: string | null; leaseUntil: string | null; leaseExpired: boolean;
  lastError: { message: string; at: string } | null;
}

const QUERY = `query ConnectorRetirements { connectorRetirements { connectorId crm connectorName deletedAt state linksRetired linksRemaining
  goldenDeleted snapshotsRecomputed lastProgressAt finishedAt leaseOwner leaseUntil leaseExpired lastError { message at } } }`;

/** How often the list reloads while a deletion is not finished. */
export const RETIREMENT_REFRESH_MS = 3000;

const num = (n: number) => n.toLocaleString('en-US');
const links = (n: number) => `${num(n)} ${n === 1 ? 'link' : 'links'}`;
const records = (n: number) => `${num(n)} golden ${n === 1 ? 'record' : 'records'}`;

/** What an admin reads about one deletion: a headline, what it did so far, and the last error. */
export function retirementWords(r: ConnectorRetirement): { tone: 'running' | 'waiting' | 'done'; headline: string; details: string[] } {
  const name = `'${r.connectorName ?? `${crmName(r.crm)} connector ${r.connectorId}`}'`;
  const total = r.linksRetired + r.linksRemaining;
  const did = `${num(r.linksRetired)} retired so far; ${records(r.goldenDeleted)} left without a source deleted, ${records(r.snapshotsRecomputed)} recomputed without it.`;
  const progress = r.lastProgressAt ? `Last progress ${when(r.lastProgressAt)}.` : 'No link removed yet.';
  const details: string[] = [];
  let tone: 'running' | 'waiting' | 'done';
  let headline: string;
  if (r.state === 'FINISHED') {
    tone = 'done';
    headline = `Done: removed ${links(r.linksRetired)} of ${name}.`;
    details.push(`${records(r.goldenDeleted)} left without a source deleted, ${records(r.snapshotsRecomputed)} recomputed without it. Deleted ${when(r.deletedAt)}, finished ${r.finishedAt ? when(r.finishedAt) : ''}.`);
  } else if (r.state === 'RUNNING') {
    tone = 'running';
    headline = `Removing ${links(total)} of ${name} — ${num(r.linksRemaining)} left.`;
    details.push(did, `${progress} Worked on by ${r.leaseOwner ?? 'a gateway or worker'}${r.leaseUntil ? ` (its lease holds until ${when(r.leaseUntil)})` : ''}.`);
  } else {
    tone = 'waiting';
    const why = r.leaseExpired
      ? `the process working on it (${r.leaseOwner ?? 'unknown'}) stopped answering; another gateway or worker takes over within a minute.`
      : 'nobody works on it right now; it will continue within a minute (the next check of any gateway or worker).';
    headline = `Waiting: ${num(r.linksRemaining)} of ${links(total)} of ${name} left to remove — ${why}`;
    details.push(did, progress);
  }
  if (r.lastError) details.push(`Last error (${when(r.lastError.at)}): ${r.lastError.message}`);
  return { tone, headline, details };
}

/** The "Deleted connectors" section; hidden while no connector was deleted. */
export class RetirementsView {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'retirement-list' });
  private readonly problem = h('p', { class: 'retirement-problem' });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private loading: Promise<void> | undefined;

  constructor() {
    this.element = h('section', { class: 'connector-retirements', 'aria-labelledby': 'retirements-title', hidden: '' },
      h('h3', { id: 'retirements-title' }, 'Deleted connectors'),
      h('p', { class: 'hint' }, 'A deleted connector\'s records leave the golden records in the background; here is how far that is.'),
      this.problem, this.list);
  }

  /** Reloads now (a second call while one runs joins it). */
  load(): Promise<void> {
    this.loading ??= this.fetch().finally(() => { this.loading = undefined; });
    return this.loading;
  }

  private async fetch(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const res = await graphql<{ connectorRetirements: ConnectorRetirement[] }>(QUERY);
    const rows = res.data?.connectorRetirements;
    if (!rows) {
      // Not the shared alert region: this reloads on its own, and must not hide the page's own errors.
      this.problem.textContent = `Deletion progress could not be loaded: ${res.errors.map((e) => `${e.code} — ${e.message}`).join('; ')}`;
      this.element.hidden = false;
      return;
    }
    this.problem.textContent = '';
    this.element.hidden = rows.length === 0;
    this.list.replaceChildren(...rows.map((r) => {
      const words = retirementWords(r);
      return h('li', { class: `retirement ${words.tone}`, 'data-retirement': r.connectorId },
        h('p', { class: 'headline' }, h('strong', {}, words.headline)),
        ...words.details.map((d) => h('p', { class: 'detail' }, d)));
    }));
    // Keep moving while something is unfinished and the page is shown; stop once all are done.
    if (rows.some((r) => r.state !== 'FINISHED') && this.element.isConnected) {
      this.timer = setTimeout(() => void this.load(), RETIREMENT_REFRESH_MS);
    }
  }
}
