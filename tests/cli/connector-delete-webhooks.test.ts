/**
 * Deleting a Pipedrive connector removes its webhook subscriptions from Pipedrive (the Pipedrive sandbox, over HTTP),
 * with its stored credentials, before they are thrown away: those of its own path `/webhooks/<id>` go, another tool's
 * and another connector's stay. When Pipedrive refuses, the connector is deleted all the same and the warning says
 * what to remove by hand, and where. Real database, real encryption, the real settings and fleet; the log is read
 * from the logger's own output.
 */
import crypto from 'node:crypto';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorFleet } from '../../cli/connector-fleet.ts';
import { createConnectorSettings } from '../../cli/connector-settings.ts';
import { InMemoryTokenStore } from '../../connectors/runtime/index.ts';
import { CredentialCipher } from '../../db/credential-cipher.ts';
import { ConnectorStore } from '../../db/connector-store.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { startPipedriveSandbox } from '../../sandboxes/pipedrive/index.ts';
import type { RunningPipedriveSandbox } from '../../sandboxes/pipedrive/index.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const API_TOKEN = 'pd-api-delete-4b8e1c7a9f2d6e3b';
const WEBHOOK_AUTH = { user: 'cg-delete', password: 'pd-wh-delete-2c9e7a4f1b8d' };
const HOST = 'http://127.0.0.1:9';
interface Line { level: number; msg: string; connector?: string }

describe('deleting a Pipedrive connector', () => {
  let t: TestDatabase;
  let sandbox: RunningPipedriveSandbox;
  let store: ConnectorStore;
  const lines: Line[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  let settings: ReturnType<typeof createConnectorSettings>;

  beforeAll(async () => {
    t = await openTestDatabase();
    sandbox = await startPipedriveSandbox({ port: 0, apiToken: API_TOKEN });
    store = new ConnectorStore(t.db, CredentialCipher.fromEnvValue(crypto.randomBytes(32).toString('base64')));
    const fleet = new ConnectorFleet(store, new InMemoryTokenStore(), logger);
    // Deleting reads neither the mapping nor the database's notifications.
    settings = createConnectorSettings({ store, fleet, database: t, getConfig: () => ({}) as MappingConfig, demo: false, logger });
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    await t?.close();
  });
  afterEach(async () => {
    await faults([]);
    for (const s of await subscriptions()) await pd('DELETE', `/api/v1/webhooks/${s.id}`);
    lines.splice(0);
  });

  const pd = (method: string, path: string, body?: unknown) => fetch(`${sandbox.url}${path}`, {
    method, headers: { 'content-type': 'application/json', 'x-api-token': API_TOKEN }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const subscriptions = async () => ((await (await pd('GET', '/api/v1/webhooks')).json()) as { data: { id: number; subscription_url: string }[] }).data;
  const subscribe = async (url: string, object = 'person') => {
    const res = await pd('POST', '/api/v1/webhooks', { subscription_url: url, event_action: '*', event_object: object, version: '2.0', http_auth_user: WEBHOOK_AUTH.user, http_auth_password: WEBHOOK_AUTH.password });
    expect(res.status).toBe(201);
    return ((await res.json()) as { data: { id: number } }).data.id;
  };
  const faults = (rules: unknown[]) => fetch(`${sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rules) });
  const stored = (id: string) => store.upsert({
    id, crm: 'pipedrive', name: `Pipedrive ${id}`, baseUrl: sandbox.url, settings: {},
    credentials: { auth: { kind: 'api-token', apiToken: API_TOKEN }, webhookAuth: WEBHOOK_AUTH },
  });
  const warnings = () => lines.filter((l) => l.level === 40);

  it('removes the subscriptions of its own path, on any host, and keeps every other path\'s', async () => {
    await stored('pd-gone');
    await Promise.all([
      subscribe(`${HOST}/webhooks/pd-gone`), subscribe(`${HOST}/webhooks/pd-gone`, 'deal'), subscribe('http://old-gateway.test/base/webhooks/pd-gone'),
    ]);
    const kept = await Promise.all([subscribe(`${HOST}/webhooks/pd-stays`), subscribe(`${HOST}/webhooks/pd-gone-2`), subscribe('http://zapier.test/hooks/catch')]);
    expect(await settings.remove('pd-gone')).toBe(true);
    expect(await store.get('pd-gone')).toBeUndefined();
    expect((await subscriptions()).map((s) => s.id).sort()).toEqual([...kept].sort());
    expect(lines.some((l) => l.msg === 'webhook subscriptions of the deleted connector removed')).toBe(true);
    expect(warnings()).toEqual([]);
  });

  it('is deleted all the same when Pipedrive cannot list the subscriptions, and the warning says what to remove where', async () => {
    await stored('pd-unlisted');
    const ours = await subscribe(`${HOST}/webhooks/pd-unlisted`);
    await faults([{ kind: 'server-error', match: '^GET /api/v1/webhooks$', rate: 1 }]);
    expect(await settings.remove('pd-unlisted')).toBe(true);
    expect(await store.get('pd-unlisted')).toBeUndefined();
    await faults([]);
    expect((await subscriptions()).map((s) => s.id)).toEqual([ours]);
    const [warning] = warnings();
    expect(warning).toMatchObject({ connector: 'pd-unlisted' });
    expect(warning!.msg).toContain('Pipedrive (Settings → Tools and apps → Webhooks)');
    expect(warning!.msg).toContain('/webhooks/pd-unlisted');
  }, 60_000);

  it('names the URL of each subscription Pipedrive refused to delete', async () => {
    await stored('pd-refused');
    await subscribe('http://old-gateway.test/webhooks/pd-refused');
    await faults([{ kind: 'server-error', match: '^DELETE /api/v1/webhooks/', rate: 1 }]);
    expect(await settings.remove('pd-refused')).toBe(true);
    expect(await store.get('pd-refused')).toBeUndefined();
    const [warning] = warnings();
    expect(warning!.msg).toContain('Pipedrive (Settings → Tools and apps → Webhooks)');
    expect(warning!.msg).toContain('http://old-gateway.test/webhooks/pd-refused');
  }, 60_000);
});
