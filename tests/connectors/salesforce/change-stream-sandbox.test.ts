/**
 * The Salesforce connector's change stream against the sandbox's Streaming API (/cometd, Change Data Capture): a
 * stream opened from null gets later changes only; a position from a batch resumes with only what came after it; a
 * position the org no longer retains rejects with CRM_VALIDATION; a refused session is refreshed and the stream goes
 * on; close ends the long-poll at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OpenChangeStream, WebhookEvent } from '../../../connectors/contract/index.ts';
import { SINCE_MARGIN_MS } from '../../../connectors/salesforce/change-stream.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { streamingState } from '../../sandboxes/salesforce/streaming-helpers.ts';
import { connectorFor, startSandbox, stats, TOKEN_ROUTE } from './helpers.ts';

let sb: SalesforceSandbox;
beforeAll(async () => {
  // A long hold, as at Salesforce: close must not wait for it.
  sb = await startSandbox({ connectHoldMs: 30_000 });
});
afterAll(async () => sb?.close());

const opened: OpenChangeStream[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

/** Collects batches; `until` waits for events matching a check. */
class Batches {
  readonly batches: { events: WebhookEvent[]; position: string }[] = [];
  readonly errors: Error[] = [];
  readonly handlers = {
    onEvents: async (batch: { events: WebhookEvent[]; position: string }) => { this.batches.push(batch); },
    onError: (error: Error) => { this.errors.push(error); },
  };

  events(): WebhookEvent[] {
    return this.batches.flatMap((b) => b.events);
  }

  async until(check: (events: WebhookEvent[]) => boolean, what: string, timeoutMs = 8000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.events())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events().map((e) => [e.kind, e.recordId, e.changedFields]))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const connector = () => connectorFor(sb);

async function createContact(lastName: string): Promise<string> {
  const [result] = await connector().createMany('Contact', [{ fields: { LastName: lastName, Email: `${lastName.toLowerCase()}@example.test` } }]);
  if (!result?.ok) throw new Error(`create failed: ${JSON.stringify(result)}`);
  return result.id;
}

async function setPhone(id: string, phone: string): Promise<void> {
  const [result] = await connector().updateMany('Contact', [{ id, fields: { Phone: phone } }]);
  if (!result?.ok) throw new Error(`update failed: ${JSON.stringify(result)}`);
}

describe('Salesforce change stream against the sandbox', () => {
  it('opened from null, hands over a later update (and not what came before), with its changed fields', async () => {
    const before = await createContact('StreamBefore');
    const got = new Batches();
    opened.push(await connector().changeStream!.open(['Contact', 'Account'], null, got.handlers));
    await setPhone(before, '+1 415 555 0101');
    await got.until((events) => events.some((e) => e.recordId === before && e.kind === 'updated'), 'the update');
    const [update] = got.events();
    expect(update).toMatchObject({ objectType: 'Contact', recordId: before, kind: 'updated' });
    expect(update?.changedFields).toContain('Phone');
    expect(update?.eventId).toMatch(new RegExp(`^cdc:/data/ContactChangeEvent:\\d+:${before}$`));
    expect(got.events().filter((e) => e.kind === 'created')).toEqual([]);
    // Contact: the replay id handed over; Account, quiet so far: since when it is listened to.
    const position = JSON.parse(got.batches.at(-1)!.position) as Record<string, number | string>;
    expect(Object.keys(position)).toEqual(['/data/ContactChangeEvent', '/data/AccountChangeEvent']);
    expect(position['/data/ContactChangeEvent']).toBeTypeOf('number');
    expect(Date.parse(String(position['/data/AccountChangeEvent']))).toBeGreaterThan(Date.now() - 60_000);
  });

  it('resumes a quiet channel with the retained events committed since it was listened to, not older ones', async () => {
    const [old] = await connector().createMany('Account', [{ fields: { Name: 'Quiet Before Ltd' } }]);
    expect(old?.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    // Listened to from now on (the margin for clock skew taken off): the account made above is older.
    const position = JSON.stringify({ '/data/AccountChangeEvent': new Date(Date.now() + SINCE_MARGIN_MS).toISOString() });
    const got = new Batches();
    opened.push(await connector().changeStream!.open(['Account'], position, got.handlers));
    const [fresh] = await connector().createMany('Account', [{ fields: { Name: 'Quiet After Ltd' } }]);
    expect(fresh?.ok).toBe(true);
    await got.until((events) => events.some((e) => fresh?.ok && e.recordId === fresh.id), 'the new account');
    await new Promise((r) => setTimeout(r, 300));
    expect(got.events().map((e) => e.recordId)).not.toContain(old?.ok ? old.id : '');
    // The replayed old event still moved the channel on: the position now holds a replay id.
    expect(JSON.parse(got.batches.at(-1)!.position)['/data/AccountChangeEvent']).toBeTypeOf('number');
  });

  it('resumes from a batch position with only what came after it', async () => {
    const id = await createContact('StreamResume');
    const first = new Batches();
    const stream = await connector().changeStream!.open(['Contact'], null, first.handlers);
    opened.push(stream);
    await setPhone(id, '+1 415 555 0201');
    await first.until((events) => events.length === 1, 'the first update');
    const position = first.batches[0]!.position;
    await setPhone(id, '+1 415 555 0202');
    await setPhone(id, '+1 415 555 0203');
    await first.until((events) => events.length === 3, 'the next two updates');
    await stream.close();

    const resumed = new Batches();
    opened.push(await connector().changeStream!.open(['Contact'], position, resumed.handlers));
    await resumed.until((events) => events.length >= 2, 'the replayed updates');
    // A moment more: nothing older than the position comes.
    await new Promise((r) => setTimeout(r, 300));
    expect(resumed.events().map((e) => e.eventId)).toEqual(first.events().slice(1).map((e) => e.eventId));
  });

  it('rejects a position the org no longer retains with CRM_VALIDATION', async () => {
    const id = await createContact('StreamExpired');
    const got = new Batches();
    const stream = await connector().changeStream!.open(['Contact'], null, got.handlers);
    await setPhone(id, '+1 415 555 0301');
    await got.until((events) => events.length === 1, 'an update');
    await stream.close();
    const expire = await fetch(`${sb.url}/_sandbox/salesforce/streaming/expire`, { method: 'POST' });
    expect(expire.ok).toBe(true);
    await expect(connector().changeStream!.open(['Contact'], got.batches[0]!.position, new Batches().handlers))
      .rejects.toMatchObject({ code: 'CRM_VALIDATION', details: { reason: 'position-expired' } });
  });

  it('refreshes a session the Streaming API refuses once (one refresh shared with REST calls), losing no change', async () => {
    const quick = await startSandbox({ connectHoldMs: 200 });
    try {
      const sf = connectorFor(quick);
      const got = new Batches();
      opened.push(await sf.changeStream!.open(['Contact', 'Account'], null, got.handlers));
      const [before] = await sf.createMany('Contact', [{ fields: { LastName: 'BeforeRefresh' } }]);
      await got.until((events) => events.some((e) => e.recordId === before?.id), 'a change before the refresh');
      const tokensBefore = (await stats(quick)).routes[TOKEN_ROUTE] ?? 0;
      expect((await fetch(`${quick.url}/_sandbox/salesforce/expire-tokens`, { method: 'POST' })).ok).toBe(true);
      // Made at once: the stream reopens from the last replay id it received, so this change arrives however the
      // refusal and the reopening interleave with it.
      const [after] = await sf.createMany('Contact', [{ fields: { LastName: 'AfterRefresh' } }]);
      // Accounts have sent nothing yet (a quiet channel, no replay id): its change made meanwhile arrives too.
      const [account] = await sf.createMany('Account', [{ fields: { Name: 'After Refresh Ltd' } }]);
      await got.until((events) => events.some((e) => e.recordId === after?.id), 'a change after the refresh');
      await got.until((events) => events.some((e) => e.recordId === account?.id), 'a quiet channel\'s change after the refresh');
      await expect.poll(async () => (await stats(quick)).routes[TOKEN_ROUTE], { timeout: 3000, interval: 50 }).toBe(tokensBefore + 1);
      // The held connect the sandbox refuses comes within its hold time: by then the stream has reopened.
      await new Promise((r) => setTimeout(r, 500));
      expect((await stats(quick)).routes[TOKEN_ROUTE]).toBe(tokensBefore + 1);
      expect(got.errors).toEqual([]);
      expect(got.events().filter((e) => e.recordId === after?.id)).toHaveLength(1);
      expect(got.events().filter((e) => e.recordId === account?.id)).toHaveLength(1);
    } finally {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await quick.close();
    }
  });

  it('close ends the held long-poll at once and the sandbox forgets the client', async () => {
    const stream = await connector().changeStream!.open(['Contact', 'Account', 'Opportunity'], null, new Batches().handlers);
    const deadline = Date.now() + 3000;
    while ((await streamingState(sb)).heldConnects < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((await streamingState(sb)).heldConnects).toBe(3);
    const started = Date.now();
    await stream.close();
    expect(Date.now() - started).toBeLessThan(1500);
    const after = await streamingState(sb);
    expect(after.clients).toBe(0);
    expect(after.heldConnects).toBe(0);
  });
});
