/**
 * `mapping_saved`: the payload, its publication with the saving transaction, and the store's own `expectedVersion`
 * check (advisory lock, version in force in the database) that holds whichever process saves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { MappingConfigStore } from '../../db/config-store.ts';
import { MAPPING_SAVED_CHANNEL, decodeMappingSaved, encodeMappingSaved, listenMappingSaved } from '../../db/mapping-events.ts';
import type { MappingSavedEvent } from '../../db/mapping-events.ts';
import { configVersions } from '../../db/schema.ts';
import type { ProductError } from '../../lib/product-error.ts';
import { DEFAULT_MAPPING_CONFIG_INPUT } from '../../resolver-engine/index.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

describe('mapping_saved payloads', () => {
  it('round-trips the version', () => {
    expect(encodeMappingSaved({ version: 7 })).toBe('{"version":7}');
    expect(decodeMappingSaved(encodeMappingSaved({ version: 7 }))).toEqual({ version: 7 });
    // Unknown keys (a newer sender) are dropped, not fatal.
    expect(decodeMappingSaved('{"version":3,"by":"gateway-2"}')).toEqual({ version: 3 });
  });

  it('rejects malformed payloads instead of throwing', () => {
    for (const bad of ['not json', '', 'null', '[]', '{}', '{"version":"3"}', '{"version":0}', '{"version":-2}', '{"version":1.5}', '{"version":null}']) {
      expect(decodeMappingSaved(bad), bad).toBeNull();
    }
    expect(() => encodeMappingSaved({ version: 0 })).toThrow();
    expect(() => encodeMappingSaved({ version: 2.5 })).toThrow();
  });
});

describe('saving publishes mapping_saved and checks the expected version in the database', () => {
  let t: TestDatabase;
  const heard: MappingSavedEvent[] = [];
  const malformed: string[] = [];
  let unlisten: () => Promise<void>;
  beforeAll(async () => {
    t = await openTestDatabase();
    unlisten = await listenMappingSaved(t, (e) => heard.push(e), (p) => malformed.push(p));
  });
  afterAll(async () => {
    await unlisten?.();
    await t?.close();
  });

  const withSkew = (ms: number) => ({ ...structuredClone(DEFAULT_MAPPING_CONFIG_INPUT), clockSkewToleranceMs: ms });
  const versions = async (store: MappingConfigStore) => (await store.versions()).map((v) => v.version);
  const conflictOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as ProductError) : undefined);

  it('announces each stored version once committed; a refused save announces nothing', async () => {
    const store = new MappingConfigStore(t.db);
    const seeded = await store.loadOrSeed(DEFAULT_MAPPING_CONFIG_INPUT);
    const saved = await store.save(withSkew(4000), { comment: 'wider skew' });
    await expect.poll(() => heard.map((e) => e.version)).toEqual([seeded.active.version, saved.version]);

    await expect(store.save({ types: 'broken' })).rejects.toMatchObject({ code: 'MAPPING_INVALID' });
    await expect(store.save(withSkew(5000), { expectedVersion: seeded.active.version })).rejects.toMatchObject({ code: 'CONFLICT' });
    // A NOTIFY from anyone else on the channel: malformed ones reach onMalformed, not onEvent.
    await t.notify(MAPPING_SAVED_CHANNEL, '{"version":"soon"}');
    await expect.poll(() => malformed).toEqual(['{"version":"soon"}']);
    expect(heard.map((e) => e.version)).toEqual([seeded.active.version, saved.version]);
    expect(await versions(store)).toEqual([saved.version, seeded.active.version]);
  });

  it('of saves through two stores expecting the same version, exactly one is stored (no in-process check involved)', async () => {
    // Two store objects stand for two processes: neither knows what the other saved, only the database does.
    const a = new MappingConfigStore(t.db);
    const b = new MappingConfigStore(t.db);
    const inForce = (await a.load()).active!.version;
    const results = await Promise.allSettled([
      a.save(withSkew(6000), { comment: 'a', expectedVersion: inForce }),
      b.save(withSkew(7000), { comment: 'b', expectedVersion: inForce }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.map(conflictOf).find(Boolean);
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { versionInForce: inForce + 1, expectedVersion: inForce } });
    expect(refused!.message).toContain(`Version ${inForce + 1} of the mapping configuration is in force now`);
    expect((await versions(a)).filter((v) => v > inForce)).toEqual([inForce + 1]);
    await expect.poll(() => heard.at(-1)?.version).toBe(inForce + 1);
  });

  it('counts the newest VALID version as in force: a stored document that no longer validates is not', async () => {
    const store = new MappingConfigStore(t.db);
    const good = (await store.load()).active!.version;
    await t.db.insert(configVersions).values({ kind: 'mappings', version: good + 1, document: { types: 'broken' } });
    try {
      await expect(store.save(withSkew(8000), { expectedVersion: good + 1 })).rejects.toMatchObject({ code: 'CONFLICT', details: { versionInForce: good } });
      const saved = await store.save(withSkew(8000), { expectedVersion: good });
      expect(saved.version).toBe(good + 2);
      const loaded = await store.loadVersion(good + 1);
      expect(loaded && 'errors' in loaded && loaded.errors.length).toBeGreaterThan(0);
      expect(await store.loadVersion(good + 2)).toMatchObject({ stored: { version: good + 2, config: { clockSkewToleranceMs: 8000 } } });
      expect(await store.loadVersion(good + 99)).toBeNull();
    } finally {
      await t.db.execute(sql`delete from config_versions where version = ${good + 1}`);
    }
  });
});
