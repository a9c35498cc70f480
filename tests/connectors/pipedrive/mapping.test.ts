/**
 * Pipedrive field mapping both ways, against the sandbox: v2 emails/phones ↔ `email`/`phone`, custom fields flat
 * under their 40-hex keys, enum/set values as option labels (written back as option ids), ids as strings; and the
 * describe mapping of v1 field types to FIELD_TYPES.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NativeRecord } from '../../../connectors/contract/index.ts';
import type { RunningPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { connectPipedrive, createField, startPipedrive } from './harness.ts';

const open: RunningPipedriveSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function setup() {
  const sandbox = await startPipedrive();
  open.push(sandbox);
  const tier = await createField(sandbox, 'persons', { name: 'Loyalty tier', field_type: 'enum', options: [{ label: 'Gold' }, { label: 'Silver' }] });
  const tags = await createField(sandbox, 'persons', { name: 'Interests', field_type: 'set', options: [{ label: 'Golf' }, { label: 'Sailing' }, { label: 'Chess' }] });
  const score = await createField(sandbox, 'persons', { name: 'Score', field_type: 'double' });
  const externalRef = await createField(sandbox, 'persons', { name: 'External ref', field_type: 'varchar' });
  const connector = connectPipedrive(sandbox, { connectorId: `pd-mapping-${Date.now()}-${Math.random()}` });
  const optionId = (field: typeof tier, label: string) => field.options!.find((o) => o.label === label)!.id;
  return { sandbox, connector, tier, tags, score, externalRef, optionId };
}

const only = <T>(map: Map<string, T>, id: string): T => {
  const value = map.get(id);
  if (value === undefined) throw new Error(`record ${id} missing`);
  return value;
};

describe('pipedrive record mapping', () => {
  it('writes labels, contact values and string ids as Pipedrive wants them, and reads them back the same way', async () => {
    const { sandbox, connector, tier, tags, score, externalRef, optionId } = await setup();
    const [org] = await connector.createMany('organizations', [{ fields: { name: 'Acme', address: '1 Main St, Springfield' } }]);
    expect(org).toMatchObject({ ok: true, created: true });
    const orgId = org!.ok ? org!.id : '';
    const [person] = await connector.createMany('persons', [{
      fields: {
        name: 'Ada Lovelace', email: 'ada@acme.test', phone: '+1 555 0100', org_id: orgId,
        [tier.key]: 'Gold', [tags.key]: ['Golf', 'Chess'], [score.key]: 4.5, [externalRef.key]: 'ext-1',
      },
    }]);
    expect(person).toMatchObject({ ok: true, created: true });
    const id = person!.ok ? person!.id : '';

    // On the wire: contact lists, option ids, a numeric org id.
    const raw = sandbox.store.get('persons', Number(id))!;
    expect(raw.emails).toEqual([{ value: 'ada@acme.test', primary: true, label: 'work' }]);
    expect(raw.phones).toEqual([{ value: '+1 555 0100', primary: true, label: 'work' }]);
    expect(raw.org_id).toBe(Number(orgId));
    expect(raw.custom_fields).toMatchObject({
      [tier.key]: optionId(tier, 'Gold'),
      [tags.key]: `${optionId(tags, 'Golf')},${optionId(tags, 'Chess')}`,
      [score.key]: 4.5,
      [externalRef.key]: 'ext-1',
    });

    // Read back: v1 keys, primary values, labels, string ids.
    const read = only(await connector.fetchByIds('persons', [id]), id);
    expect(read).toMatchObject({ id, objectType: 'persons' });
    expect(read.modifiedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(read.fields).toMatchObject({
      id, name: 'Ada Lovelace', email: 'ada@acme.test', phone: '+1 555 0100', org_id: orgId,
      [tier.key]: 'Gold', [tags.key]: ['Golf', 'Chess'], [score.key]: 4.5, [externalRef.key]: 'ext-1',
    });
    for (const hidden of ['emails', 'phones', 'custom_fields', 'is_deleted']) expect(read.fields).not.toHaveProperty(hidden);

    // Updating a label writes the other option id.
    expect((await connector.updateMany('persons', [{ id, fields: { [tier.key]: 'Silver' } }]))[0]).toEqual({ ok: true, id });
    expect(sandbox.store.get('persons', Number(id))!.custom_fields).toMatchObject({ [tier.key]: optionId(tier, 'Silver') });
    const selected = only(await connector.fetchByIds('persons', [id], { fields: ['email', tier.key, 'job_title'] }), id);
    // Exactly the asked fields; one the record lacks reads as null.
    expect(selected.fields).toEqual({ email: 'ada@acme.test', [tier.key]: 'Silver', job_title: null });

    const organization = only(await connector.fetchByIds('organizations', [orgId]), orgId);
    expect(organization.fields.address).toMatchObject({ value: '1 Main St, Springfield' });
  });

  it('an unknown option label fails that item alone, before any call', async () => {
    const { sandbox, connector, tier } = await setup();
    await connector.describeObjects(['persons']); // metadata held: the count below is the writes alone
    const { result, calls } = await countCalls(sandbox, () => connector.createMany('persons', [
      { fields: { name: 'One', [tier.key]: 'Platinum' } }, { fields: { name: 'Two', [tier.key]: 'gold' } },
    ]));
    expect(result.map((r) => r.ok)).toEqual([false, true]);
    expect(!result[0]!.ok && result[0]!.error).toMatchObject({ code: 'CRM_VALIDATION', crm: 'pipedrive', details: { fields: [tier.key] } });
    expect(!result[0]!.ok && result[0]!.error.message).toContain('"Gold"');
    expect(calls.total).toBe(1);
  });

  it('writing email replaces the primary address and keeps the others; null removes the primary only', async () => {
    const { sandbox, connector } = await setup();
    await fetch(`${sandbox.url}/_sandbox/pipedrive/seed`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ persons: [{ id: 7, name: 'Two Mails', emails: [{ value: 'home@x.test', primary: false, label: 'home' }, { value: 'work@x.test', primary: true, label: 'work' }] }] }),
    });
    expect(only(await connector.fetchByIds('persons', ['7']), '7').fields.email).toBe('work@x.test');
    await connector.updateMany('persons', [{ id: '7', fields: { email: 'new@x.test' } }]);
    expect(sandbox.store.get('persons', 7)!.emails).toEqual([{ value: 'new@x.test', primary: true, label: 'work' }, { value: 'home@x.test', primary: false, label: 'home' }]);
    await connector.updateMany('persons', [{ id: '7', fields: { email: null } }]);
    // The person still has a home address: it is now the one Pipedrive shows, so it is what the field reads.
    expect(only(await connector.fetchByIds('persons', ['7']), '7').fields.email).toBe('home@x.test');
    await connector.updateMany('persons', [{ id: '7', fields: { email: null } }]);
    expect(only(await connector.fetchByIds('persons', ['7']), '7').fields.email).toBeNull();
  });

  it('pages records with custom labels without a describe first (metadata fetched once, then held)', async () => {
    const { sandbox, connector, tier } = await setup();
    const created = await connector.createMany('persons', Array.from({ length: 3 }, (_, i) => ({ fields: { name: `P${i}`, [tier.key]: 'Gold' } })));
    expect(created.every((r) => r.ok)).toBe(true);
    const fresh = connectPipedrive(sandbox, { connectorId: `pd-fresh-${Date.now()}` });
    const { result, calls } = await countCalls(sandbox, async () => {
      const pages: NativeRecord[][] = [];
      for await (const page of fresh.pageRecords('persons', { pageSize: 2 })) pages.push(page);
      return pages;
    });
    expect(result.flat().map((r) => r.fields[tier.key])).toEqual(['Gold', 'Gold', 'Gold']);
    expect(calls.routes['GET /api/v1/personFields']).toBe(1);
    expect(calls.routes['GET /api/v2/persons']).toBe(2);
  });
});

describe('pipedrive describe', () => {
  it('maps v1 field types to FIELD_TYPES, marks custom fields and the writable ones', async () => {
    const { connector, tier, tags, score, externalRef } = await setup();
    const objects = await connector.describeObjects();
    expect(objects.map((o) => o.name)).toEqual(['persons', 'organizations', 'deals']);
    const field = (object: string, name: string) => objects.find((o) => o.name === object)!.fields.find((f) => f.name === name);
    expect(field('persons', 'id')).toMatchObject({ type: 'id', nativeType: 'int', createable: false, updateable: false, unique: true, custom: false });
    expect(field('persons', 'name')).toMatchObject({ type: 'string', nativeType: 'varchar', createable: true, updateable: true, custom: false });
    expect(field('persons', 'email')).toMatchObject({ type: 'email', externalId: true });
    expect(field('persons', 'phone')).toMatchObject({ type: 'phone' });
    expect(field('persons', 'org_id')).toMatchObject({ type: 'reference', referenceTo: ['organizations'] });
    expect(field('persons', 'owner_id')).toMatchObject({ type: 'reference', referenceTo: ['users'] });
    expect(field('persons', 'update_time')).toMatchObject({ type: 'datetime', createable: false, updateable: false });
    expect(field('persons', 'label_ids')).toMatchObject({ type: 'multipicklist' });
    expect(field('persons', tier.key)).toMatchObject({
      type: 'picklist', nativeType: 'enum', custom: true, createable: true, label: 'Loyalty tier',
      picklistValues: tier.options!.map((o) => ({ value: String(o.id), label: o.label, active: true })),
    });
    expect(field('persons', tags.key)).toMatchObject({ type: 'multipicklist', custom: true });
    expect(field('persons', score.key)).toMatchObject({ type: 'float', custom: true, externalId: true });
    expect(field('persons', externalRef.key)).toMatchObject({ type: 'string', custom: true, externalId: true });
    expect(field('organizations', 'address')).toMatchObject({ type: 'address' });
    expect(field('deals', 'value')).toMatchObject({ type: 'currency', nativeType: 'monetary' });
    expect(field('deals', 'status')!.picklistValues!.map((v) => v.value)).toEqual(['open', 'won', 'lost']);
    expect(field('deals', 'expected_close_date')).toMatchObject({ type: 'date' });
    expect(field('deals', 'person_id')).toMatchObject({ type: 'reference', referenceTo: ['persons'] });
    await expect(connector.describeObjects(['leads'])).rejects.toMatchObject({ code: 'CRM_NOT_FOUND', crm: 'pipedrive' });
  });
});
