/**
 * What the first change poll after a backfill costs: once the CLI has exited, the bench opens the backfill's database
 * and runs one `pollOnce` round (sync/poller.ts) with the connectors the CLI configured from the environment (ids
 * 'salesforce', 'hubspot', 'pipedrive', 'dynamics' and 'zoho', the default mapping), counting the records it reads and the calls the sandboxes saw.
 * This is the round `customer-graph start` runs first after a backfill; without the cursors the backfill leaves it
 * re-read every record.
 */
import type { Connector } from '../../connectors/contract/index.ts';
import { createDynamicsConnector } from '../../connectors/dynamics/index.ts';
import { createHubSpotConnector } from '../../connectors/hubspot/index.ts';
import { createPipedriveConnector } from '../../connectors/pipedrive/index.ts';
import { RateBudgetRegistry } from '../../connectors/runtime/index.ts';
import { createSalesforceConnector } from '../../connectors/salesforce/index.ts';
import { createZohoConnector } from '../../connectors/zoho/index.ts';
import { openDatabase } from '../../db/open-database.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import { pollOnce } from '../../sync/poller.ts';

import { DYNAMICS_SANDBOX_AUTH, PIPEDRIVE_SANDBOX_TOKEN, ZOHO_SANDBOX_AUTH } from './backfill.ts';
import type { Crm } from './backfill.ts';

export interface FirstPoll {
  records: number;
  deletions: number;
  batches: number;
  /** Calls each CRM sandbox received during the round. */
  calls: Partial<Record<Crm, number>>;
  seconds: number;
  failed: number;
}

export interface FirstPollOptions {
  crms: Crm[];
  urls: Partial<Record<Crm, string>>;
  dataDir: string;
  databaseUrl?: string | undefined;
  /** The sandbox control plane (`/_sandbox/<route>`), to reset and read call counts. */
  control(base: string, method: string, route: string): Promise<unknown>;
}

export async function measureFirstPoll(opts: FirstPollOptions): Promise<FirstPoll> {
  const registry = new RateBudgetRegistry();
  const connectors = new Map<string, Connector>();
  const url = (crm: Crm): string => {
    const u = opts.urls[crm];
    if (!u) throw new Error(`first poll: no ${crm} sandbox running`);
    return u;
  };
  if (opts.crms.includes('salesforce')) {
    connectors.set('salesforce', createSalesforceConnector({
      connectorId: 'salesforce', loginUrl: url('salesforce'), registry, auth: { kind: 'client-credentials', clientId: 'customer-graph', clientSecret: 'sandbox' },
    }));
  }
  if (opts.crms.includes('hubspot')) {
    connectors.set('hubspot', createHubSpotConnector({ connectorId: 'hubspot', baseUrl: url('hubspot'), registry, auth: { kind: 'static', accessToken: 'sandbox-token' } }));
  }
  if (opts.crms.includes('pipedrive')) {
    connectors.set('pipedrive', createPipedriveConnector({ connectorId: 'pipedrive', baseUrl: url('pipedrive'), registry, auth: { kind: 'api-token', apiToken: PIPEDRIVE_SANDBOX_TOKEN } }));
  }
  if (opts.crms.includes('dynamics')) {
    // As the CLI was configured (DYNAMICS_AUTHORITY_URL = the sandbox URL, which serves the token endpoint itself).
    connectors.set('dynamics', createDynamicsConnector({
      connectorId: 'dynamics', baseUrl: url('dynamics'), authorityUrl: url('dynamics'), registry, auth: { kind: 'client-credentials', ...DYNAMICS_SANDBOX_AUTH },
    }));
  }
  if (opts.crms.includes('zoho')) {
    // As the CLI was configured (ZOHO_API_DOMAIN = ZOHO_ACCOUNTS_URL = the sandbox URL).
    connectors.set('zoho', createZohoConnector({ connectorId: 'zoho', apiDomain: url('zoho'), accountsUrl: url('zoho'), registry, auth: { ...ZOHO_SANDBOX_AUTH } }));
  }
  const database = await openDatabase({ url: opts.databaseUrl, dataDir: opts.dataDir });
  try {
    for (const crm of opts.crms) await opts.control(url(crm), 'POST', 'stats/reset');
    const started = performance.now();
    const report = await pollOnce({ db: database.db, config: DEFAULT_MAPPING_CONFIG, connectors });
    const seconds = (performance.now() - started) / 1000;
    const calls: FirstPoll['calls'] = {};
    for (const crm of opts.crms) calls[crm] = ((await opts.control(url(crm), 'GET', 'stats')) as { total: number }).total;
    return { records: report.records, deletions: report.deletions, batches: report.batches, calls, seconds, failed: report.failed.length };
  } finally {
    await database.close();
  }
}
