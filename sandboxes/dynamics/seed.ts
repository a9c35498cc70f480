/**
 * Seeds: rows keyed by attribute logical names, loaded as if imported — no API call, no ledger entry — with their
 * key, `createdon` and `modifiedon` kept (only one given: the other takes it; neither: now) and lookups as
 * `_<name>_value` GUIDs (a Customer lookup's target is the table holding that id, accounts first). Each row takes
 * the next org version in seed order, so a change-tracked read of a seeded org works at once. From code (`seed`
 * option, `POST /_sandbox/dynamics/seed`) or a folder `<dir>/dynamics/{contacts,accounts,opportunities}.json`.
 */
import { readSeedFiles } from '../common/seed-files.ts';
import { badRequest, CODES, DataverseError } from './errors.ts';
import { GUID_RE, newGuid, ORG } from './ids.ts';
import { SERVED } from './schema.ts';
import { isLookupType, Org } from './store.ts';
import type { LookupValue, Row, TableState, VersionClock } from './store.ts';
import { nowSeconds, parseTime, toDataverseTime } from './time.ts';
import { coerceValue } from './values.ts';

export interface DynamicsSeed {
  contacts?: object[];
  accounts?: object[];
  opportunities?: object[];
}

const SETS = SERVED.map((t) => t.entitySetName);

function seedRow(table: TableState, raw: Record<string, unknown>, pendingLookups: [TableState, Row, string, string][]): Row {
  const entity = table.def.logicalName;
  const pk = table.def.primaryIdAttribute;
  const given = raw[pk];
  if (given !== undefined && (typeof given !== 'string' || !GUID_RE.test(given))) throw badRequest(CODES.badValue, `${pk} must be a GUID`);
  const id = typeof given === 'string' ? given.toLowerCase() : newGuid();
  const created = raw.createdon === undefined ? undefined : parseTime(raw.createdon);
  const modified = raw.modifiedon === undefined ? undefined : parseTime(raw.modifiedon);
  if ((raw.createdon !== undefined && created === undefined) || (raw.modifiedon !== undefined && modified === undefined)) {
    throw badRequest(CODES.badValue, 'createdon / modifiedon must be ISO-8601 timestamps');
  }
  const now = nowSeconds();
  const values: Record<string, unknown> = {
    [pk]: id, ownerid: { id: ORG.userId, target: 'systemuser' } satisfies LookupValue,
    createdon: toDataverseTime(created ?? modified ?? now), modifiedon: toDataverseTime(modified ?? created ?? now),
  };
  if (table.attribute('transactioncurrencyid')) values.transactioncurrencyid = { id: ORG.usdCurrencyId, target: 'transactioncurrency' } satisfies LookupValue;
  if (table.attribute('donotemail')) values.donotemail = false;
  const row: Row = { id, values };
  for (const [key, value] of Object.entries(raw)) {
    if (key === pk || key === 'createdon' || key === 'modifiedon' || key === 'versionnumber' || key === 'fullname') continue;
    const lookup = /^_(.+)_value$/.exec(key);
    if (lookup) {
      const a = table.attribute(lookup[1]!);
      if (!a || !isLookupType(a)) throw badRequest(CODES.badProperty, `Could not find a lookup named '${key}' on ${entity}`);
      if (value === null) continue;
      if (typeof value !== 'string' || !GUID_RE.test(value)) throw badRequest(CODES.badValue, `${key} must be a GUID`);
      pendingLookups.push([table, row, a.logicalName, value.toLowerCase()]);
      continue;
    }
    const a = table.attribute(key);
    if (!a || isLookupType(a)) throw badRequest(CODES.badProperty, `Could not find a property named '${key}' on type 'Microsoft.Dynamics.CRM.${entity}'.`);
    values[key] = coerceValue(entity, a, value);
  }
  if (entity === 'contact') values.fullname = [values.firstname, values.lastname].filter((x) => typeof x === 'string' && x).join(' ') || null;
  const state = table.attribute('statecode')!;
  const status = table.attribute('statuscode')!;
  if (values.statuscode !== undefined && values.statuscode !== null && values.statecode === undefined) {
    values.statecode = status.options!.find((o) => o.value === values.statuscode)!.state;
  }
  values.statecode ??= 0;
  values.statuscode ??= state.options!.find((o) => o.value === values.statecode)!.defaultStatus;
  if (entity === 'opportunity') values.salesstage ??= 0;
  return row;
}

/** Adds the seed's rows to `org`, all or nothing; rows with a known id replace the stored one. */
export function loadSeed(org: Org, seed: DynamicsSeed): Record<string, number> {
  if (!seed || typeof seed !== 'object') throw badRequest(CODES.badValue, 'The seed must be an object {contacts?, accounts?, opportunities?}');
  const unknown = Object.keys(seed).filter((k) => !SETS.includes(k));
  if (unknown.length) throw badRequest(CODES.badValue, `Unknown seed tables: ${unknown.join(', ')} (use ${SETS.join(', ')})`);
  const snapshot = org.snapshot();
  try {
    const pending: [TableState, Row, string, string][] = [];
    const rows: [TableState, Row][] = [];
    for (const set of SETS) {
      const list = (seed as Record<string, unknown>)[set] ?? [];
      if (!Array.isArray(list)) throw badRequest(CODES.badValue, `seed.${set} must be an array`);
      const table = org.tableBySet(set);
      list.forEach((raw, i) => {
        if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest(CODES.badValue, `seed.${set}[${i}] must be an object`);
        try {
          rows.push([table, seedRow(table, raw as Record<string, unknown>, pending)]);
        } catch (err) {
          if (err instanceof DataverseError) err.message = `seed.${set}[${i}]: ${err.message}`;
          throw err;
        }
      });
    }
    for (const [table, row] of rows) {
      row.values.versionnumber = org.nextVersion();
      table.rows.set(row.id, row);
      table.tombstones.delete(row.id);
    }
    for (const [table, row, attribute, id] of pending) {
      const targets = table.attribute(attribute)!.targets ?? [];
      const target = targets.find((t) => org.tableByLogical(t)?.rows.has(id)) ?? targets[0]!;
      row.values[attribute] = { id, target } satisfies LookupValue;
    }
  } catch (err) {
    org.restore(snapshot);
    throw err;
  }
  return Object.fromEntries(SETS.map((s) => [s, ((seed as Record<string, unknown[]>)[s] ?? []).length]));
}

export function buildOrg(clock: VersionClock, seed: DynamicsSeed, deltaRetentionVersions?: number): Org {
  const org = new Org(clock, deltaRetentionVersions);
  loadSeed(org, seed);
  return org;
}

export async function readSeedDir(dir: string): Promise<DynamicsSeed> {
  return (await readSeedFiles(dir, 'dynamics', SETS)).records as DynamicsSeed;
}
