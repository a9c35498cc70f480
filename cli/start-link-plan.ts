/**
 * What the start-time link run has to read. A full read of every CRM at every start costs what the CRMs hold: for a
 * large org, hours of API budget and a gateway that serves nothing meanwhile, on every deploy of every replica. Yet
 * once an object has been read completely it has a change cursor (`sync_cursors`, left by the full read or kept by
 * the poller), and polling from that cursor brings its records up to date — links, snapshots, deletions and
 * subscribers included — within one interval. So, by default (`auto`), a start reads only the golden types with an
 * object that has no cursor yet: the first start on a database, a connector or object mapped since, an object whose
 * full read failed. Reading is per golden type, not per object, because a golden record's snapshot is resolved from
 * every object of its type at once (sync/email-linker.ts).
 *
 * `CUSTOMER_GRAPH_LINK_ON_START`: `auto` (default), `always` (every start reads everything, as the demo does: its
 * sandboxes are seeded afresh at each start), `never` (nothing; `customer-graph sync --backfill` or the admin
 * `startResync` link). With polling off (`CUSTOMER_GRAPH_POLL_INTERVAL_MS=0`) nothing would catch up from the
 * cursors, so `auto` reads everything too.
 */
import type { Connector } from '../connectors/contract/index.ts';
import type { Database } from '../db/open-database.ts';
import { readCursor } from '../db/sync-store.ts';
import { ProductError } from '../lib/product-error.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import { cursorConnectorId } from '../sync/poller.ts';

export const LINK_ON_START_MODES = ['auto', 'always', 'never'] as const;
export type LinkOnStartMode = (typeof LINK_ON_START_MODES)[number];

/** The mode from the environment: `auto` unless set; `always` by default for the demo. Anything else is CONFIG_INVALID. */
export function linkOnStartMode(env: NodeJS.ProcessEnv, demo: boolean): LinkOnStartMode {
  const raw = (env.CUSTOMER_GRAPH_LINK_ON_START ?? '').trim().toLowerCase();
  if (raw === '') return demo ? 'always' : 'auto';
  if ((LINK_ON_START_MODES as readonly string[]).includes(raw)) return raw as LinkOnStartMode;
  throw new ProductError('CONFIG_INVALID', `CUSTOMER_GRAPH_LINK_ON_START must be one of ${LINK_ON_START_MODES.join(', ')} (got '${env.CUSTOMER_GRAPH_LINK_ON_START}')`);
}

export interface StartLinkPlan {
  /** Golden types to read at start, in configuration order (empty: nothing to read). */
  goldenTypes: string[];
  /** Why: the objects of those types never read completely (no change cursor). Empty with `always`. */
  unread: { crm: string; objectType: string; goldenType: string }[];
  /** Objects of the skipped types: polling resumes them from their cursors. */
  resumed: { crm: string; objectType: string }[];
}

export interface StartLinkPlanOptions {
  db: Database;
  config: MappingConfig;
  connectors: ReadonlyMap<string, Connector>;
  connectorIds: ReadonlyMap<string, string>;
  mode: LinkOnStartMode;
  /** Whether polling runs in this deployment (it is what catches up from the cursors). */
  polling: boolean;
}

export async function planStartLink(opts: StartLinkPlanOptions): Promise<StartLinkPlan> {
  const types = Object.entries(opts.config.types);
  if (opts.mode === 'never') return { goldenTypes: [], unread: [], resumed: [] };
  if (opts.mode === 'always' || !opts.polling) return { goldenTypes: types.map(([name]) => name), unread: [], resumed: [] };
  const plan: StartLinkPlan = { goldenTypes: [], unread: [], resumed: [] };
  for (const [goldenType, type] of types) {
    const objects = type.objects.filter((o) => opts.connectors.has(o.crm));
    const unread: StartLinkPlan['unread'] = [];
    for (const object of objects) {
      const cursor = await readCursor(opts.db, cursorConnectorId(opts, object.crm), object.objectType);
      if (cursor === null) unread.push({ crm: object.crm, objectType: object.objectType, goldenType });
    }
    if (unread.length > 0) {
      plan.goldenTypes.push(goldenType);
      plan.unread.push(...unread);
    } else {
      plan.resumed.push(...objects.map((o) => ({ crm: o.crm, objectType: o.objectType })));
    }
  }
  return plan;
}
