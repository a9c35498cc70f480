import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { MappingConfigStore } from '../../db/config-store.ts';
import { configVersions } from '../../db/schema.ts';
import { DEFAULT_MAPPING_CONFIG_INPUT } from '../../resolver-engine/index.ts';
import type { ProductError } from '../../lib/product-error.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

describe('versioned mapping configuration', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  it('seeds the shipped default as version 1, then adds versions without overwriting', async () => {
    const store = new MappingConfigStore(t.db);
    const first = await store.loadOrSeed(DEFAULT_MAPPING_CONFIG_INPUT);
    expect(first.active.version).toBe(1);
    const again = await store.loadOrSeed(DEFAULT_MAPPING_CONFIG_INPUT);
    expect(again.active.version).toBe(1);
    const changed = structuredClone(DEFAULT_MAPPING_CONFIG_INPUT) as { clockSkewToleranceMs?: number };
    changed.clockSkewToleranceMs = 5000;
    const saved = await store.save(changed, { comment: 'wider skew' });
    expect(saved.version).toBe(2);
    expect((await store.load()).active?.config.clockSkewToleranceMs).toBe(5000);
    expect((await store.versions()).map((v) => v.version)).toEqual([2, 1]);
  });

  it('rejects an invalid configuration on save, naming the field and reason, and stores nothing', async () => {
    const store = new MappingConfigStore(t.db);
    const before = await store.versions();
    const bad = structuredClone(DEFAULT_MAPPING_CONFIG_INPUT) as { defaultRule: { strategy: string } };
    bad.defaultRule = { strategy: 'coin-toss' };
    try {
      await store.save(bad);
      expect.unreachable();
    } catch (err) {
      expect((err as ProductError).code).toBe('MAPPING_INVALID');
      expect((err as Error).message).toContain('defaultRule');
      expect((err as Error).message).toContain('coin-toss');
    }
    expect(await store.versions()).toEqual(before);
  });

  it('keeps the last good version active when a newer stored document no longer validates', async () => {
    const store = new MappingConfigStore(t.db);
    const good = (await store.load()).active!.version;
    await t.db.insert(configVersions).values({ kind: 'mappings', version: good + 1, document: { types: 'broken' } });
    const report = await store.load();
    expect(report.active?.version).toBe(good);
    expect(report.skipped.map((s) => s.version)).toEqual([good + 1]);
    await t.db.execute(sql`delete from config_versions where version = ${good + 1}`);
  });
});

describe('seeding the default on an empty database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  it('processes starting at once (a gateway and its worker) store one default version, and all load it', async () => {
    const [a, b, c] = [new MappingConfigStore(t.db), new MappingConfigStore(t.db), new MappingConfigStore(t.db)];
    const loaded = await Promise.all([a, b, c].map((s) => s.loadOrSeed(DEFAULT_MAPPING_CONFIG_INPUT)));
    expect(loaded.map((l) => l.active.version)).toEqual([1, 1, 1]);
    expect((await a.versions()).map((v) => v.version)).toEqual([1]);
  });
});
