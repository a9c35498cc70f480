/**
 * The data-quality report on the real app (embedded demo, real connectors and database), over HTTP with
 * CUSTOMER_GRAPH_API_TOKENS set: Salesforce contacts created with a malformed email and an unknown country, linked by
 * a link run, show up in `dataQuality` (grouped by field, code and CRM, counted once per value and golden record) and
 * in `dataQualityIssues` with the source record to fix, paged by golden id without splitting a record; the value kept
 * is the value as typed, also when it could not be converted at all. `qualityRules` lists the rules. Bad arguments: BAD_USER_INPUT; no token: UNAUTHENTICATED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'data-quality-token';
const GROUPS = 'query($type: String) { dataQuality(type: $type) { entityType field code crm issues records winning } }';
const ISSUES = `query($field: String!, $code: String!, $crm: String, $first: Int, $after: ID) {
  dataQualityIssues(field: $field, code: $code, crm: $crm, first: $first, after: $after) { goldenId field code message source { crm objectType recordId } value winner } }`;

interface Group { entityType: string; field: string; code: string; crm: string; issues: number; records: number; winning: number }
interface Issue { goldenId: string; field: string; code: string; message: string; source: { crm: string; objectType: string; recordId: string }; value: string | null; winner: boolean }

describe('admin API: data-quality report', () => {
  let t: TestApp;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const groups = async () => {
    const res = await gql<{ dataQuality: Group[] }>(GROUPS, { type: 'Customer' });
    expect(res.errors).toBeUndefined();
    return res.data!.dataQuality;
  };
  const group = (all: Group[], field: string, code: string) => all.find((g) => g.field === field && g.code === code && g.crm === 'salesforce');
  const issues = async (vars: Record<string, unknown>) => {
    const res = await gql<{ dataQualityIssues: Issue[] }>(ISSUES, vars);
    expect(res.errors).toBeUndefined();
    return res.data!.dataQualityIssues;
  };
  let created: string[] = [];
  let before: Group[] = [];

  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = TOKEN;
    t = await startTestApp();
    before = await groups();
    const results = await t.app.connectors.get('salesforce')!.createMany('Contact', [
      { fields: { FirstName: 'Grace', LastName: 'Hopper', Email: 'grace,hopper@navy-yard.example', MailingCountry: 'Atlantis' } },
      { fields: { FirstName: 'Alan', LastName: 'Turing', Email: 'alan,turing@bletchley.example' } },
      { fields: { FirstName: 'Ada', LastName: 'Byron', Email: 'ada,byron@analytical.example' } },
      { fields: { FirstName: 'Hedy', LastName: 'Lamarr', Email: 'hedy@frequency.example', Phone: 'ask reception' } },
    ]);
    created = results.map((r) => (r.ok ? r.id : ''));
    expect(created.every(Boolean)).toBe(true);
    await t.app.link();
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    delete process.env.CUSTOMER_GRAPH_API_TOKENS;
  });

  it('groups the flagged values by field, code and CRM', async () => {
    const after = await groups();
    const email = group(after, 'email', 'INVALID_EMAIL')!;
    const emailBefore = group(before, 'email', 'INVALID_EMAIL');
    expect(email.issues - (emailBefore?.issues ?? 0)).toBe(3);
    expect(email.records - (emailBefore?.records ?? 0)).toBe(3);
    // Each of them is its customer's only email: it is the golden value, bad as it is.
    expect(email.winning - (emailBefore?.winning ?? 0)).toBe(3);
    expect(group(after, 'mailingCountry', 'UNKNOWN_COUNTRY')!.issues - (group(before, 'mailingCountry', 'UNKNOWN_COUNTRY')?.issues ?? 0)).toBe(1);
    expect(after.every((g) => g.entityType === 'Customer')).toBe(true);
    // Totals count a record flagged on two fields (Grace: email and country) once.
    const summary = await gql<{ dataQualitySummary: { issues: number; records: number; winning: number } }>('{ dataQualitySummary(type: "Customer") { issues records winning } }');
    const sum = (k: 'issues' | 'winning') => after.reduce((n, g) => n + g[k], 0);
    expect(summary.data!.dataQualitySummary).toMatchObject({ issues: sum('issues'), winning: sum('winning') });
    expect(summary.data!.dataQualitySummary.records).toBeLessThan(after.reduce((n, g) => n + g.records, 0));
  });

  it('lists each flagged value with the record to fix, paged by golden id', async () => {
    const all = await issues({ field: 'email', code: 'INVALID_EMAIL', crm: 'salesforce', first: 200 });
    const ours = all.filter((i) => created.includes(i.source.recordId));
    expect(ours.map((i) => i.value).sort()).toEqual(['ada,byron@analytical.example', 'alan,turing@bletchley.example', 'grace,hopper@navy-yard.example']);
    for (const i of ours) expect(i).toMatchObject({ field: 'email', code: 'INVALID_EMAIL', source: { crm: 'salesforce', objectType: 'Contact' }, winner: true, message: expect.any(String) });
    // Pages of one record each walk the same list.
    const paged: Issue[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await issues({ field: 'email', code: 'INVALID_EMAIL', crm: 'salesforce', first: 1, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      expect(new Set(page.map((i) => i.goldenId)).size).toBe(1);
      paged.push(...page);
      after = page[0]!.goldenId;
    }
    expect(paged).toEqual(all);
  });

  it('keeps the value as read when it could not be converted at all (a phone that is no phone number)', async () => {
    const phone = await issues({ field: 'phone', code: 'CONVERSION_FAILED', crm: 'salesforce', first: 200 });
    expect(phone.find((i) => i.source.recordId === created[3])).toMatchObject({ value: 'ask reception', winner: false, message: expect.stringContaining('not a phone number') });
  });

  it('lists the quality rules, and refuses bad arguments', async () => {
    const rules = await gql<{ qualityRules: { name: string; description: string }[] }>('{ qualityRules { name description } }');
    expect(rules.data!.qualityRules.map((r) => r.name)).toEqual(expect.arrayContaining(['trim-whitespace', 'email-syntax', 'phone-parseable', 'country-code']));
    expect((await gql(GROUPS, { type: 'Customr' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'type' });
    expect((await gql(ISSUES, { field: 'email', code: 'INVALID_EMAIL', first: 500 })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'first' });
    expect((await gql(GROUPS, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
