/**
 * Connection settings an admin saves through the admin API (`saveConnector`): checked, tried against the CRM, and only
 * then stored (encrypted) and put to work — here at once when this process runs that connector, elsewhere through
 * `connector_saved` (connector-fleet.ts). Anything wrong is a GraphQL error with a code, and nothing is stored:
 *   BAD_USER_INPUT  an invalid id, CRM, URL, auth kind or field value (`extensions.field` names it);
 *   CONFLICT        the id belongs to a connector of another CRM;
 *   CRM_AUTH_FAILED, CRM_UNAVAILABLE, CRM_TIMEOUT…  the CRM refused or did not answer the one test call.
 * Credentials are write-only: leaving them out keeps the stored ones, and no answer ever carries them.
 */
import { GraphQLError } from 'graphql';
import { registerSecret } from '../connectors/contract/index.ts';
import type { ConnectionForm } from '../connectors/contract/index.ts';
import { InMemoryTokenStore, probeConnector } from '../connectors/runtime/index.ts';
import type { ConnectorRow, ConnectorStore } from '../db/connector-store.ts';
import type { DatabaseHandle } from '../db/open-database.ts';
import type { Logger } from '../lib/logger.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import { objectsOf } from '../subgraphs/admin/connectors.ts';
import { createRetirementResumer } from '../sync/retirement-resumer.ts';
import type { RetirementResumer } from '../sync/retirement-resumer.ts';
import { supportedCrms } from './connector-registry.ts';
import type { ConnectorFleet } from './connector-fleet.ts';

export interface SaveConnectorInput {
  id: string;
  crm: string;
  name: string;
  baseUrl?: string | null;
  authKind?: string | null;
  credentials?: readonly { name: string; value: string }[] | null;
}

export interface SaveConnectorOutcome {
  id: string;
  test: { ms: number; objectsChecked: string[] };
  applied: boolean;
  restartReason: string | null;
}

export interface ConnectorSettingsDeps {
  store: ConnectorStore;
  fleet: ConnectorFleet;
  /** `db`: a deleted connector's links are retired there (sync/connector-retirement.ts). */
  database: Pick<DatabaseHandle, 'notify' | 'db'>;
  getConfig(): MappingConfig;
  /** Whether this process runs the demo sandboxes (then stored real connectors wait for a restart). */
  demo: boolean;
  logger: Logger;
  probeTimeoutMs?: number;
  /** Starts a saved connector of a CRM none runs here yet (crm-join.ts); false when it must wait for a restart. */
  join?(id: string): Promise<boolean>;
  /** Links per retirement pass after a deletion (default 500; only without `retirements`). */
  retirementChunkSize?: number;
  /** Runs a deleted connector's retirement (the app's resumer, which also stops it at shutdown); default: one of its own. */
  retirements?: Pick<RetirementResumer, 'retire'>;
}

const ID = /^[a-z][a-z0-9-]{1,39}$/;
/** How long a deletion waits for the CRM to remove the connector's webhook subscriptions before going ahead without. */
const UNSUBSCRIBE_TIMEOUT_MS = 15_000;

function invalid(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });
}

/** An http(s) URL without user info (where a careless configuration puts a password) or a query string. */
function checkUrl(raw: string, label: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid(`${label} '${raw}' is not a URL (e.g. https://login.salesforce.com).`, 'baseUrl');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`${label} must be an http or https URL.`, 'baseUrl');
  if (url.username || url.password || url.search) throw invalid(`${label} must not carry a user name, password or query string: put secrets in the credential fields.`, 'baseUrl');
  return url.toString().replace(/\/$/, '');
}

/** The filled form's values for one auth kind: every required field present, no unknown or repeated name. */
function formValues(form: ConnectionForm, authKind: string | null | undefined, entries: readonly { name: string; value: string }[]): { kind: string; values: Record<string, string> } {
  const kind = form.authKinds.find((k) => k.kind === authKind);
  if (!kind) throw invalid(`authKind must be one of ${form.authKinds.map((k) => `'${k.kind}'`).join(', ')} for ${form.label}${authKind ? `, not '${authKind}'` : ''}.`, 'authKind');
  const values: Record<string, string> = {};
  for (const { name, value } of entries) {
    const field = kind.fields.find((f) => f.name === name);
    if (!field) throw invalid(`'${name}' is not a field of ${kind.label} (fields: ${kind.fields.map((f) => f.name).join(', ')}).`, `credentials.${name}`);
    if (name in values) throw invalid(`'${name}' is given twice.`, `credentials.${name}`);
    const text = field.secret ? value : value.trim();
    if (text.length > 4096) throw invalid(`${field.label} is longer than 4,096 characters.`, `credentials.${name}`);
    // Blank is not filled in; a secret is otherwise kept exactly as typed (some contain meaningful spaces).
    if (text.trim() !== '') values[name] = text;
  }
  for (const field of kind.fields) {
    if (field.required && !(field.name in values)) throw invalid(`${field.label} is required for ${kind.label}.`, `credentials.${field.name}`);
    if (field.secret) registerSecret(values[field.name]);
    const partner = field.requires ? kind.fields.find((f) => f.name === field.requires) : undefined;
    if (partner && field.name in values && !(partner.name in values)) {
      throw invalid(`${field.label} needs ${partner.label} too: fill in both, or neither.`, `credentials.${partner.name}`);
    }
  }
  return { kind: kind.kind, values };
}

export function createConnectorSettings(deps: ConnectorSettingsDeps) {
  const { store, fleet } = deps;
  const retirements = deps.retirements ?? createRetirementResumer({
    db: deps.database.db, getConfig: deps.getConfig, connectors: fleet.connectors, connectorIds: fleet.connectorIds, logger: deps.logger, intervalMs: 0,
    ...(deps.retirementChunkSize ? { chunkSize: deps.retirementChunkSize } : {}),
  });
  // One save at a time in this process: two admins saving one connector must not interleave test and store.
  let queue: Promise<unknown> = Promise.resolve();

  function restartReason(row: ConnectorRow): string | null {
    if (fleet.runs(row.id)) return null;
    const label = supportedCrms[row.crm]?.form.label ?? row.crm;
    if (row.status === 'disabled') return `${row.name} is disabled: it does not run until it is enabled again.`;
    if (deps.demo && !row.settings.demo) {
      return 'This process runs the demo sandboxes. Restart customer-graph to run the stored connectors instead (the demo starts only while no real connector is stored).';
    }
    const other = fleet.runningIdOf(row.crm);
    if (other) return `Connector '${other}' is the ${label} connector running here, and one connector per CRM runs at a time. Remove or disable it, then restart customer-graph.`;
    return `${row.name} could not join the running graph (the log says why): restart customer-graph to start it.`;
  }

  async function save(input: SaveConnectorInput): Promise<SaveConnectorOutcome> {
    if (!ID.test(input.id)) throw invalid(`id '${input.id}' must be 2–40 lower-case letters, digits and dashes, starting with a letter (e.g. salesforce-emea).`, 'id');
    const support = supportedCrms[input.crm];
    if (!support) throw invalid(`CRM '${input.crm}' is not supported by this build (supported: ${Object.keys(supportedCrms).join(', ')}).`, 'crm');
    const form = support.form;
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw invalid('name must be 1–100 characters.', 'name');
    const existing = await store.get(input.id);
    if (existing && existing.crm !== input.crm) {
      throw new GraphQLError(`Connector '${input.id}' is a ${existing.crm} connector; choose another id for a ${form.label} connector.`, { extensions: { code: 'CONFLICT', field: 'id' } });
    }
    const rawUrl = input.baseUrl?.trim() || existing?.baseUrl || form.defaultBaseUrl;
    if (!rawUrl) throw invalid(`${form.baseUrlLabel} is required for ${form.label}.`, 'baseUrl');
    const baseUrl = checkUrl(rawUrl, form.baseUrlLabel);

    let credentials: Record<string, unknown>;
    if (input.credentials) {
      const { kind, values } = formValues(form, input.authKind, input.credentials);
      credentials = form.toCredentials(kind, values);
    } else {
      if (!existing) throw invalid(`A new connector needs credentials: choose an auth kind and fill in its fields.`, 'credentials');
      const stored = (await store.readCredentials(existing.id)) ?? {};
      // A token obtained from another address is no use at the new one; the configured credentials stay.
      const { token: _token, ...rest } = stored;
      credentials = existing.baseUrl === baseUrl ? stored : rest;
    }

    const row: ConnectorRow = { id: input.id, crm: input.crm, name, baseUrl, settings: existing?.settings ?? {}, status: 'active', statusReason: null };
    // The test runs on a throwaway connector with its own token store: a refused credential must neither replace
    // the stored token nor flag the running connector as needing re-authorisation.
    const candidate = support.buildConnector(row, credentials, { tokenStore: new InMemoryTokenStore(), onNeedsReauthorisation: async () => {} });
    const test = await probeConnector(candidate, objectsOf(deps.getConfig(), input.crm)[0]?.objectType, deps.probeTimeoutMs);
    if (!test.ok) {
      throw new GraphQLError(testFailure(form.label, test.error!), {
        extensions: { code: test.error!.code, connector: input.id },
      });
    }
    await store.upsert({ id: row.id, crm: row.crm, name, baseUrl, settings: row.settings, credentials });
    const stored = (await store.get(row.id))!;
    let applied = await fleet.reload(row.id);
    if (!applied && deps.join) {
      applied = await deps.join(row.id).catch((err) => {
        deps.logger.error({ err, connector: row.id }, 'the saved connector could not join the running graph; it starts at the next restart');
        return false;
      });
    }
    await fleet.announce(deps.database, row.id).catch((err) => deps.logger.warn({ err, connector: row.id }, 'could not announce saved connector settings; other processes apply them at their next start'));
    deps.logger.info({ connector: row.id, applied, changedCredentials: Boolean(input.credentials) }, 'connector settings saved');
    return { id: row.id, test: { ms: test.ms, objectsChecked: test.objectsChecked }, applied, restartReason: applied ? null : restartReason(stored) };
  }

  /**
   * Disables or enables a stored connector, at once: a running one is paused here (not polled, not written to, its
   * reads refused) or resumed, and every other process on the database follows (`connector_saved`). A disabled
   * connector is not started at the next start; an enabled one that does not run here joins the graph if it can.
   */
  async function setEnabled(id: string, enabled: boolean): Promise<{ id: string; restartReason: string | null }> {
    const row = await store.get(id);
    if (!row) throw new GraphQLError(`No connector has the id '${id}'.`, { extensions: { code: 'NOT_FOUND', argumentName: 'id' } });
    const wanted = enabled ? 'active' : 'disabled';
    const unchanged = row.status === wanted || (enabled && row.status === 'needs_reauthorisation');
    if (!unchanged) await store.setStatus(id, wanted, enabled ? null : 'disabled by an admin');
    deps.logger.info({ connector: id, enabled }, 'connector enabled or disabled');
    const announce = () => fleet.announce(deps.database, id).catch((err) => deps.logger.warn({ err, connector: id }, 'could not announce the change; other processes apply it at their next start'));
    if (!enabled) {
      fleet.pause(id, 'disabled by an admin');
      if (!unchanged) await announce();
      return { id, restartReason: null };
    }
    if (fleet.runs(id)) {
      await fleet.resume(id);
      if (!unchanged) await announce();
      return { id, restartReason: null };
    }
    if (unchanged) return { id, restartReason: null };
    await announce();
    const joined = deps.join ? await deps.join(id).catch((err) => {
      deps.logger.error({ err, connector: id }, 'the enabled connector could not join the running graph; it starts at the next restart');
      return false;
    }) : false;
    return { id, restartReason: joined ? null : restartReason({ ...row, status: 'active' }) };
  }

  /**
   * The CRM's webhook subscriptions of a connector being deleted (where they are made through its API: Pipedrive)
   * would keep delivering to its path, which answers 404 once it is gone. Removed with a connector built for the
   * purpose from the stored credentials (the running one, paused, refuses every call); only here, in the process
   * that deletes. A failure does not stop the deletion: the warning names what to remove by hand.
   */
  async function removeWebhookSubscriptions(row: ConnectorRow): Promise<void> {
    const support = supportedCrms[row.crm];
    const label = support?.form.label ?? row.crm;
    const path = `/webhooks/${row.id}`;
    let where = `in ${label}'s webhook settings`;
    try {
      const credentials = (await store.readCredentials(row.id)) ?? {};
      const webhooks = support?.buildConnector(row, credentials, { tokenStore: new InMemoryTokenStore(), onNeedsReauthorisation: async () => {} }).webhooks;
      if (!webhooks?.removeSubscriptions) return;
      if (webhooks.subscriptionsPage) where = `in ${label} (${webhooks.subscriptionsPage})`;
      const { removed, notRemoved } = await webhooks.removeSubscriptions({ lane: 'interactive', signal: AbortSignal.timeout(UNSUBSCRIBE_TIMEOUT_MS) });
      if (removed.length) deps.logger.info({ connector: row.id, removed }, 'webhook subscriptions of the deleted connector removed');
      if (notRemoved.length) {
        deps.logger.warn({ connector: row.id, notRemoved }, `webhook subscriptions of the deleted connector could not be removed; remove them by hand ${where}: ${notRemoved.map((n) => `${n.url ?? `…${path}`} (${n.reason})`).join('; ')}`);
      }
    } catch (err) {
      deps.logger.warn({ err, connector: row.id }, `could not remove the deleted connector's webhook subscriptions; remove by hand ${where} every webhook whose URL ends in ${path}`);
    }
  }

  /** Deletes a stored connector that this process does not run, or runs paused (disable it first). */
  async function remove(id: string): Promise<boolean> {
    const row = await store.get(id);
    if (!row) throw new GraphQLError(`No connector has the id '${id}'.`, { extensions: { code: 'NOT_FOUND', argumentName: 'id' } });
    if (fleet.runs(id) && !fleet.paused(id)) {
      throw new GraphQLError(`${row.name} is running in this process: disable it first, then delete it.`, { extensions: { code: 'CONFLICT', argumentName: 'id' } });
    }
    // While its credentials are still stored: afterwards nothing could call the CRM for it.
    await removeWebhookSubscriptions(row);
    // A paused one goes; its CRM's types stay in this process's graph (answering as unavailable) until the next start.
    fleet.forget(id);
    // The retirement of its links is recorded as due with the deletion: if this process dies before it is done, the
    // next check of any process finishes it (sync/retirement-resumer.ts).
    const removed = await store.remove(id, { retireLinks: true });
    deps.logger.info({ connector: id }, 'connector deleted');
    // In the background: a connector with a million links takes minutes, and the admin need not wait for it.
    void retirements.retire(id).catch((err: unknown) => {
      deps.logger.error({ err, connector: id }, 'could not retire all the links of the deleted connector yet; the next check resumes it');
    });
    return removed;
  }

  return {
    setEnabled,
    remove,
    /** The CRMs this build connects to, and what each one's connection form asks. */
    kinds: (): ConnectionForm[] => Object.values(supportedCrms).map((s) => s.form),
    save(input: SaveConnectorInput): Promise<SaveConnectorOutcome> {
      const run = queue.then(() => save(input));
      queue = run.catch(() => {});
      return run;
    },
  };
}

/**
 * Why a save's test call failed, for the admin who typed the settings. Refused credentials say so in the CRM's name:
 * the token provider words them for a running connector ("connector X needs re-authorisation: …"), which reads
 * wrongly for a connector that was never stored.
 */
function testFailure(label: string, error: { code: string; message: string }): string {
  if (error.code === 'CRM_AUTH_FAILED') {
    const reason = error.message.replace(/^[a-z0-9-]+: /, '').replace(/^connector \S+ needs re-authorisation: /, '');
    return `${label} refused these credentials, so nothing was stored: ${reason}. Check them and the auth kind, then save again.`;
  }
  return `The test call with these settings failed, so nothing was stored: ${error.message}`;
}
