/**
 * Deployment-wide connector settings from the environment, passed to every connector the fleet builds
 * (cli/connector-registry.ts). They tune how a connector talks to its CRM, not what it reads, so they are not part of
 * a connector's stored settings or its connection form.
 *
 * `CUSTOMER_GRAPH_SALESFORCE_BULK_THRESHOLD` (default 10000; 0 = never): a full read of a Salesforce object holding
 * at least this many records (the backfill, the start link run, a resync) goes through a Bulk API 2.0 query job instead
 * of REST pages of 2,000 (connectors/salesforce/bulk-query.ts, docs/salesforce-bulk-query.md). 0 suits an org whose
 * Bulk API allocation is kept for other tools.
 *
 * `CUSTOMER_GRAPH_SALESFORCE_BULK_MAX_WAIT_MS` (default 1800000, 30 minutes; 0 = no limit): a Bulk job not complete
 * by then (a busy org queues jobs) is aborted and the read goes on by REST pages, with a warning.
 */
import { DEFAULT_BULK_MAX_WAIT_MS, DEFAULT_BULK_THRESHOLD } from '../connectors/salesforce/index.ts';
import { intervalMs } from './change-capture.ts';

export interface ConnectorTuning {
  /** Records from which a full Salesforce read uses Bulk API 2.0; 0 = never. */
  salesforceBulkThreshold: number;
  /** How long a Salesforce Bulk job may take before the read goes on by REST; 0 = no limit. */
  salesforceBulkMaxWaitMs: number;
}

export const DEFAULT_CONNECTOR_TUNING: ConnectorTuning = { salesforceBulkThreshold: DEFAULT_BULK_THRESHOLD, salesforceBulkMaxWaitMs: DEFAULT_BULK_MAX_WAIT_MS };

/** The tuning from the environment; a value that is not a whole number ≥ 0 is CONFIG_INVALID. */
export function connectorTuning(env: NodeJS.ProcessEnv): ConnectorTuning {
  return {
    salesforceBulkThreshold: intervalMs(env, 'CUSTOMER_GRAPH_SALESFORCE_BULK_THRESHOLD', DEFAULT_BULK_THRESHOLD, 'records'),
    salesforceBulkMaxWaitMs: intervalMs(env, 'CUSTOMER_GRAPH_SALESFORCE_BULK_MAX_WAIT_MS', DEFAULT_BULK_MAX_WAIT_MS),
  };
}
