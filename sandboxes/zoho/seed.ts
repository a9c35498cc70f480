/**
 * Seeds: records in API names loaded as if imported — no API call counted, no ledger entry — with their `id`,
 * `Created_Time` and `Modified_Time` kept (any ISO offset; only one given: the other takes it; neither: now). Lookups
 * may be an id string or `{id}`. From code (`seed` option, `POST /_sandbox/zoho/seed`), a folder
 * `<dir>/zoho/{Contacts,Accounts,Deals}.json`, or, with neither, the small built-in demo set below.
 */
import { readSeedFiles } from '../common/seed-files.ts';
import { invalidData, ZohoError } from './errors.ts';
import { RECORD_MODULES } from './schema.ts';
import type { ModuleName } from './schema.ts';
import { Org } from './store.ts';
import type { OrgConfig, ZohoRecord } from './store.ts';
import { nowSeconds, parseTime } from './time.ts';
import { checkValue } from './values.ts';

export interface ZohoSeed {
  Contacts?: object[];
  Accounts?: object[];
  Deals?: object[];
}

const SKIPPED = new Set(['id', 'Created_Time', 'Modified_Time', 'Created_By', 'Modified_By', 'Full_Name', 'Expected_Revenue', 'Last_Activity_Time']);

function seedError(where: string, message: string): ZohoError {
  return invalidData(`${where}: ${message}`);
}

/** Adds the seed's records to `org`, all or nothing; accounts first, so contacts and deals can point at them. */
export function loadSeed(org: Org, seed: ZohoSeed): Record<string, number> {
  if (!seed || typeof seed !== 'object') throw invalidData('The seed must be an object {Contacts?, Accounts?, Deals?}');
  const unknown = Object.keys(seed).filter((k) => !(RECORD_MODULES as readonly string[]).includes(k));
  if (unknown.length) throw invalidData(`Unknown seed modules: ${unknown.join(', ')} (use ${RECORD_MODULES.join(', ')})`);
  const order: ModuleName[] = ['Accounts', 'Contacts', 'Deals'];
  // Ids first (given or allocated), so a lookup may name a record seeded later in the same seed.
  const planned: [ModuleName, Record<string, unknown>, ZohoRecord][] = [];
  // What each seeded id held before (a known id replaces its record), to put back if the seed fails.
  const replaced: [ModuleName, string, ZohoRecord | undefined, boolean][] = [];
  for (const module of order) {
    const list = (seed as Record<string, unknown>)[module] ?? [];
    if (!Array.isArray(list)) throw invalidData(`seed.${module} must be an array`);
    list.forEach((raw, i) => {
      const where = `seed.${module}[${i}]`;
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw seedError(where, 'must be an object');
      const r = raw as Record<string, unknown>;
      if (r.id !== undefined && (typeof r.id !== 'string' || !/^\d{1,19}$/.test(r.id))) throw seedError(where, 'id must be a numeric string');
      const created = r.Created_Time === undefined ? undefined : parseTime(r.Created_Time);
      const modified = r.Modified_Time === undefined ? undefined : parseTime(r.Modified_Time);
      if ((r.Created_Time !== undefined && created === undefined) || (r.Modified_Time !== undefined && modified === undefined)) {
        throw seedError(where, 'Created_Time / Modified_Time must be ISO-8601 timestamps');
      }
      const id = typeof r.id === 'string' ? r.id : org.nextId();
      org.noteId(id);
      const now = nowSeconds();
      planned.push([module, r, { id, values: { Owner: org.user.id }, createdAt: created ?? modified ?? now, modifiedAt: modified ?? created ?? now }]);
    });
  }
  try {
    for (const [module, , record] of planned) {
      const state = org.module(module);
      replaced.push([module, record.id, state.records.get(record.id), state.tombstones.has(record.id)]);
      state.records.set(record.id, record);
    }
    planned.forEach(([module, raw, record]) => {
      for (const [name, value] of Object.entries(raw)) {
        if (SKIPPED.has(name)) continue;
        const field = org.field(module, name);
        const where = `seed.${module}(${record.id})`;
        if (!field) throw seedError(where, `unknown field ${name}`);
        const checked = checkValue(org, field, value, `${where}.${name}`);
        if (!checked.ok) throw seedError(where, `${name}: ${checked.error.code} ${JSON.stringify(checked.error.details)}`);
        record.values[name] = checked.value;
      }
    });
  } catch (err) {
    for (const [module, id, before] of replaced.reverse()) {
      if (before) org.module(module).records.set(id, before);
      else org.module(module).records.delete(id);
    }
    throw err;
  }
  // A re-imported record is live again: its tombstone leaves the recycle bin.
  for (const [module, id, , wasDeleted] of replaced) if (wasDeleted) org.module(module).tombstones.delete(id);
  return Object.fromEntries(RECORD_MODULES.map((m) => [m, ((seed as Record<string, unknown[]>)[m] ?? []).length]));
}

export function buildOrg(cfg: OrgConfig, seed: ZohoSeed): Org {
  const org = new Org(cfg);
  loadSeed(org, seed);
  return org;
}

export async function readSeedDir(dir: string): Promise<ZohoSeed> {
  return (await readSeedFiles(dir, 'zoho', RECORD_MODULES, (message, cause) => new ZohoError(400, 'INVALID_DATA', message, { cause: String(cause ?? '') }))).records as ZohoSeed;
}

/** The built-in demo set: three accounts, four contacts, three deals, linked, with times spread over a few days. */
export function demoSeed(idPrefix: string): ZohoSeed {
  const id = (n: number) => `${idPrefix}${String(n).padStart(6, '0')}`;
  const at = (day: number, hour: number) => `2026-03-0${day}T${String(hour).padStart(2, '0')}:00:00+05:30`;
  return {
    Accounts: [
      { id: id(10001), Account_Name: 'Acme Corporation', Website: 'https://acme.example', Phone: '+1 555 0100', Industry: 'Large Enterprise', Employees: 1200, Billing_City: 'Springfield', Billing_Country: 'United States', External_Id: 'acct-acme', Created_Time: at(1, 9), Modified_Time: at(2, 10) },
      { id: id(10002), Account_Name: 'Globex GmbH', Website: 'https://globex.example', Industry: 'Service Provider', Employees: 300, Billing_City: 'Berlin', Billing_Country: 'Germany', External_Id: 'acct-globex', Created_Time: at(1, 11), Modified_Time: at(3, 9) },
      { id: id(10003), Account_Name: 'Initech Ltd', Account_Type: 'Prospect', Billing_City: 'Pune', Billing_Country: 'India', Created_Time: at(2, 14), Modified_Time: at(2, 14) },
    ],
    Contacts: [
      { id: id(20001), First_Name: 'Ada', Last_Name: 'Lovelace', Email: 'ada@acme.example', Phone: '+1 555 0101', Title: 'CTO', Account_Name: id(10001), Lead_Source: 'Partner', External_Id: 'cont-ada', Created_Time: at(1, 10), Modified_Time: at(4, 8) },
      { id: id(20002), First_Name: 'Grace', Last_Name: 'Hopper', Email: 'grace@acme.example', Mobile: '+1 555 0102', Account_Name: { id: id(10001) }, Created_Time: at(1, 12), Modified_Time: at(1, 12) },
      { id: id(20003), First_Name: 'Karl', Last_Name: 'Weber', Email: 'karl.weber@globex.example', Mailing_City: 'Berlin', Mailing_Country: 'Germany', Account_Name: id(10002), Created_Time: at(2, 9), Modified_Time: at(3, 16) },
      { id: id(20004), Last_Name: 'Sharma', Email: 'p.sharma@initech.example', Account_Name: id(10003), Email_Opt_Out: true, Created_Time: at(3, 10), Modified_Time: at(3, 10) },
    ],
    Deals: [
      { id: id(30001), Deal_Name: 'Acme platform renewal', Stage: 'Negotiation/Review', Amount: 120000, Probability: 80, Closing_Date: '2026-04-30', Account_Name: id(10001), Contact_Name: id(20001), External_Id: 'deal-acme-renewal', Created_Time: at(2, 11), Modified_Time: at(4, 9) },
      { id: id(30002), Deal_Name: 'Globex pilot', Stage: 'Qualification', Amount: 15000, Probability: 10, Closing_Date: '2026-05-15', Account_Name: id(10002), Contact_Name: id(20003), Created_Time: at(3, 9), Modified_Time: at(3, 9) },
      { id: id(30003), Deal_Name: 'Initech licences', Stage: 'Closed Won', Amount: 8000, Probability: 100, Closing_Date: '2026-03-03', Account_Name: id(10003), Created_Time: at(2, 15), Modified_Time: at(3, 11) },
    ],
  };
}
