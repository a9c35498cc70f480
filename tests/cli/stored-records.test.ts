/**
 * Which stored golden records follow an older mapping (cli/stored-records.ts), on a real database: the per-type sections
 * of two configurations compared (a save touching Customer makes Customer stale and not Company; descriptions and key
 * order change nothing; a document-wide rule touches every type), the basis recorded per type (db/snapshot-basis-store.ts),
 * a type with records and no basis stale from "unknown", and the auto-resync settings refused when malformed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MappingConfigStore } from '../../db/config-store.ts';
import { goldenRecords } from '../../db/schema.ts';
import { listSnapshotBasis, recordSnapshotBasis } from '../../db/snapshot-basis-store.ts';
import { ProductError } from '../../lib/product-error.ts';
import { DEFAULT_MAPPING_CONFIG_INPUT, validateMappingConfig } from '../../resolver-engine/index.ts';
import type { MappingConfig, MappingConfigInput } from '../../resolver-engine/index.ts';
import { resyncOnMappingChangeSettings } from '../../cli/resync-on-mapping-change.ts';
import { changedGoldenTypes, goldenTypeChanged, storedRecordsFreshness } from '../../cli/stored-records.ts';
import { completeTypes } from '../../cli/link-on-start.ts';
import { openTestDatabase, onPostgres } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const input = (): MappingConfigInput => structuredClone(DEFAULT_MAPPING_CONFIG_INPUT);
const parse = (doc: MappingConfigInput): MappingConfig => {
  const result = validateMappingConfig(doc);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
};
interface EditableField { description?: string; quality?: string[]; mappings: { from: string | string[]; writable?: boolean }[] }
const customerField = (doc: MappingConfigInput, name: string) => doc.types.Customer!.fields[name] as EditableField;

describe('the part of a mapping a golden type\'s stored records follow', () => {
  it('a change to a Customer quality check or field mapping changes Customer only', () => {
    const doc = input();
    customerField(doc, 'email').quality = ['trim-whitespace'];
    expect(changedGoldenTypes(parse(input()), parse(doc))).toEqual(['Customer']);
    const moved = input();
    Object.assign(customerField(moved, 'department').mappings[0]!, { from: ['Title'], writable: false });
    expect(changedGoldenTypes(parse(input()), parse(moved))).toEqual(['Customer']);
  });

  it('descriptions, writable and key order change no type', () => {
    const doc = input();
    doc.types.Customer!.description = 'People, merged.';
    customerField(doc, 'email').description = 'Where to write to them.';
    customerField(doc, 'email').mappings[0]!.writable = false;
    const reordered = Object.fromEntries(Object.entries(doc.types).reverse()) as MappingConfigInput['types'];
    expect(changedGoldenTypes(parse(input()), parse({ ...doc, types: reordered }))).toEqual([]);
  });

  it('a document-wide rule or a survivorship rule of one type', () => {
    const doc = input();
    doc.clockSkewToleranceMs = 5000;
    expect(changedGoldenTypes(parse(input()), parse(doc)).sort()).toEqual(['Company', 'Customer', 'Deal']);
    const ruled = input();
    (ruled.types.Company!.fields.name as { rule?: unknown }).rule = { strategy: 'most-complete' };
    expect(goldenTypeChanged(parse(input()), parse(ruled), 'Company')).toBe(true);
    expect(goldenTypeChanged(parse(input()), parse(ruled), 'Customer')).toBe(false);
  });
});

describe('the golden types a link run read completely', () => {
  it('leaves out a type with a failed object; an object without a connector does not count', () => {
    const config = parse(input());
    const failed = [{ crm: 'salesforce', objectType: 'Account', code: 'CRM_UNAVAILABLE', message: 'down' }];
    expect(completeTypes(config, ['Customer', 'Company', 'Deal'], { failed }).sort()).toEqual(['Customer', 'Deal']);
    expect(completeTypes(config, ['Customer'], { failed: [] })).toEqual(['Customer']);
  });

  it('leaves out the types a connected CRM that is down now feeds: nothing of it was read', () => {
    const config = parse(input());
    const fedBy = (crm: string) => ['Customer', 'Company', 'Deal'].filter((t) => config.types[t]!.objects.some((o) => o.crm === crm));
    expect(fedBy('hubspot').length).toBeGreaterThan(0);
    const complete = completeTypes(config, ['Customer', 'Company', 'Deal'], { failed: [] }, ['hubspot']);
    expect(complete.filter((t) => fedBy('hubspot').includes(t))).toEqual([]);
    expect(complete.sort()).toEqual(['Customer', 'Company', 'Deal'].filter((t) => !fedBy('hubspot').includes(t)).sort());
  });
});

describe(`stored records freshness on ${onPostgres ? 'Postgres' : 'PGlite'}`, () => {
  let t: TestDatabase;
  let store: MappingConfigStore;
  let current: { version: number; config: MappingConfig };
  const freshness = async () => new Map((await storedRecordsFreshness({
    db: t.db, mappings: { version: () => current.version, config: () => current.config, store },
  })).map((f) => [f.goldenType, f]));
  const save = async (doc: MappingConfigInput) => {
    const saved = await store.save(doc);
    current = { version: saved.version, config: saved.config };
  };

  beforeAll(async () => {
    t = await openTestDatabase();
    store = new MappingConfigStore(t.db);
    await save(input());
  });
  afterAll(async () => t?.close());

  it('a type never read: fresh without records, stale from "unknown" with them', async () => {
    expect((await freshness()).get('Customer')).toMatchObject({ followsMappingVersion: null, currentMappingVersion: current.version, stale: false, readAt: null });
    await t.db.insert(goldenRecords).values({ id: 'cus_stored_records_1', entityType: 'Customer', snapshot: { email: 'a@example.com' } });
    expect((await freshness()).get('Customer')).toMatchObject({ followsMappingVersion: null, stale: true });
    expect((await freshness()).get('Company')).toMatchObject({ followsMappingVersion: null, stale: false });
  });

  it('follows the version recorded; a save touching Customer makes Customer stale, not Company; one touching nothing leaves both fresh', async () => {
    const v1 = current.version;
    await recordSnapshotBasis(t.db, ['Customer', 'Company', 'Deal'], v1);
    expect((await listSnapshotBasis(t.db)).map((b) => [b.goldenType, b.mappingVersion])).toEqual([['Company', v1], ['Customer', v1], ['Deal', v1]]);
    let f = await freshness();
    expect(f.get('Customer')).toMatchObject({ followsMappingVersion: v1, currentMappingVersion: v1, stale: false });
    expect(f.get('Customer')!.readAt).not.toBeNull();

    const described = input();
    customerField(described, 'email').description = 'Where to write to them.';
    await save(described);
    f = await freshness();
    expect(current.version).toBe(v1 + 1);
    expect([...f.values()].map((x) => [x.goldenType, x.followsMappingVersion, x.currentMappingVersion, x.stale]))
      .toEqual([['Customer', v1, v1 + 1, false], ['Company', v1, v1 + 1, false], ['Deal', v1, v1 + 1, false]]);

    const touched = structuredClone(described);
    customerField(touched, 'email').quality = ['trim-whitespace'];
    await save(touched);
    f = await freshness();
    expect(f.get('Customer')).toMatchObject({ followsMappingVersion: v1, currentMappingVersion: v1 + 2, stale: true });
    expect(f.get('Company')).toMatchObject({ followsMappingVersion: v1, stale: false });

    // Read again with the version in force: fresh.
    await recordSnapshotBasis(t.db, ['Customer'], current.version);
    expect((await freshness()).get('Customer')).toMatchObject({ followsMappingVersion: v1 + 2, stale: false });
  });
});

describe('CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE', () => {
  it('is never by default, with a 30 s quiet delay', () => {
    expect(resyncOnMappingChangeSettings({})).toEqual({ mode: 'never', delayMs: 30_000 });
    expect(resyncOnMappingChangeSettings({ CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE: 'AUTO', CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE_DELAY_MS: '500' })).toEqual({ mode: 'auto', delayMs: 500 });
  });

  it('refuses a bad mode or delay with CONFIG_INVALID', () => {
    const code = (env: NodeJS.ProcessEnv) => {
      try {
        resyncOnMappingChangeSettings(env);
        return 'accepted';
      } catch (err) {
        return err instanceof ProductError ? err.code : String(err);
      }
    };
    expect(code({ CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE: 'sometimes' })).toBe('CONFIG_INVALID');
    expect(code({ CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE_DELAY_MS: 'soon' })).toBe('CONFIG_INVALID');
  });
});
