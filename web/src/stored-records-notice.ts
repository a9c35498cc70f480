/**
 * "Stored Customer records (list, search, subscriptions) still follow mapping version N; the API already answers with
 * version M. [Re-read Customer records now]" — shown after a save on the Field mapping and Field rules pages, and on
 * the Sync health page, for the golden types whose stored records the mapping changed for (admin API
 * `storedRecordsFreshness`). The button re-reads only those types (`startResync(goldenTypes:)`); the page that shows
 * the notice may follow the run (Sync health does), otherwise the notice follows it until it ends. Nothing is shown
 * when nothing is stale.
 */
import { graphql } from './api.ts';
import { h } from './dom.ts';
import type { Notices } from './review-queue.ts';
import { listed } from './sync-words.ts';

interface Freshness { goldenType: string; followsMappingVersion: number | null; currentMappingVersion: number; stale: boolean }
/** What `startResync` answers, for a page that follows the run itself. */
export interface StartedResync { state: string; goldenTypes: string[] | null }

const FRESHNESS = 'query StoredRecordsFreshness { storedRecordsFreshness { goldenType followsMappingVersion currentMappingVersion stale } resyncStatus { state } }';
/** A resync in this state has not ended: it runs, or it is interrupted and about to be resumed by some process. */
export const unfinished = (state: string | undefined) => state === 'running' || state === 'interrupted';

export function staleLine(f: Freshness): string {
  const follows = f.followsMappingVersion === null ? 'an older mapping (they were not read completely since the version was recorded)' : `mapping version ${f.followsMappingVersion}`;
  return `Stored ${f.goldenType} records (list, search, subscriptions) still follow ${follows}; the API already answers with version ${f.currentMappingVersion}.`;
}

export class StoredRecordsNotice {
  readonly element = h('section', { class: 'stored-records-notice', 'aria-live': 'polite', hidden: '' });
  private following: ReturnType<typeof setTimeout> | undefined;

  /** `onStarted`: the page follows the run it started (Sync health); without it, the notice follows it. */
  constructor(private readonly notices: Notices, private readonly onStarted?: (run: StartedResync) => void) {}

  /** Asks which types are stale and shows them (or nothing). */
  async refresh(): Promise<void> {
    const res = await graphql<{ storedRecordsFreshness: Freshness[]; resyncStatus: { state: string } }>(FRESHNESS);
    // A gateway without the field (or a missing token, said elsewhere on the page) shows no notice.
    if (!res.data) return this.show([], false);
    this.show(res.data.storedRecordsFreshness.filter((f) => f.stale), unfinished(res.data.resyncStatus.state));
  }

  /** `running`: a resync is unfinished (here or on another replica): no button, which would only get CONFLICT; followed until it ends. */
  private show(stale: readonly Freshness[], running: boolean): void {
    if (stale.length === 0) {
      this.element.hidden = true;
      this.element.replaceChildren();
      return;
    }
    const lines = stale.map((f) => h('p', { class: 'warn', 'data-stale-type': f.goldenType }, staleLine(f)));
    if (running) {
      this.element.replaceChildren(...lines, h('p', { class: 'reading' }, 'A re-read of CRM records is running now: these lines are checked again when it ends.'));
      this.element.hidden = false;
      this.follow();
      return;
    }
    const types = stale.map((f) => f.goldenType);
    const button = h('button', { type: 'button', class: 'secondary', 'data-resync-types': types.join(',') }, `Re-read ${listed(types)} records now`);
    button.addEventListener('click', () => void this.start(types, button));
    this.element.replaceChildren(...lines, button);
    this.element.hidden = false;
  }

  private async start(types: string[], button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    const res = await graphql<{ startResync: StartedResync }>('mutation StartResync($types: [String!]) { startResync(goldenTypes: $types) { state goldenTypes } }', { types });
    this.notices.errors(res.errors);
    if (!res.data) {
      button.disabled = false;
      return;
    }
    this.notices.say(`Re-reading the ${listed(types)} records: the Sync health page shows how far it got.`);
    this.element.replaceChildren(h('p', { class: 'reading' }, `Re-reading the ${listed(types)} records now…`));
    if (this.onStarted) this.onStarted(res.data.startResync);
    else this.follow();
  }

  /** Every 2 s while the run is unfinished and the notice is shown; then says which types are still stale (none, usually). */
  private follow(): void {
    clearTimeout(this.following);
    this.following = setTimeout(() => {
      if (!this.element.isConnected) return;
      void graphql<{ resyncStatus: { state: string } }>('query ResyncState { resyncStatus { state } }').then((res) => {
        if (unfinished(res.data?.resyncStatus.state)) this.follow();
        else void this.refresh();
      });
    }, 2000);
  }
}
