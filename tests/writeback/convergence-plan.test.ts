/**
 * Convergence, the pure decision (sync/writeback/convergence.ts) and the `convergence` mode of the mapping
 * configuration: which linked records hold a losing value of which field, what each mode does with it, and which
 * corrections become outbox rows (never for an echo, a field not read, or a record field with a write waiting).
 */
import { describe, expect, it } from 'vitest';
import type { GoldenLink } from '../../db/golden-store.ts';
import { DEFAULT_MAPPING_CONFIG, DEFAULT_MAPPING_CONFIG_INPUT, parseMappingConfig, validateMappingConfig } from '../../resolver-engine/index.ts';
import type { ConvergenceMode, MappingConfig, MappingConfigInput } from '../../resolver-engine/index.ts';
import { convergenceKey, convergenceRows, hasAutomaticConvergence, planConvergence } from '../../sync/writeback/convergence.ts';
import { recordKey } from '../../sync/writeback/planner.ts';

const GOLDEN = 'cus_01JABCDEFGHJKMNPQRSTVWXYZ0';
const SF: GoldenLink = { goldenId: GOLDEN, connectorId: 'sf-1', crm: 'salesforce', objectType: 'Contact', recordId: '003A' };
const HS: GoldenLink = { goldenId: GOLDEN, connectorId: 'hs-1', crm: 'hubspot', objectType: 'contacts', recordId: '501' };

function withModes(modes: Record<string, ConvergenceMode>): MappingConfig {
  const doc = structuredClone(DEFAULT_MAPPING_CONFIG_INPUT) as MappingConfigInput;
  for (const [field, mode] of Object.entries(modes)) (doc.types.Customer!.fields[field] as { convergence?: ConvergenceMode }).convergence = mode;
  return parseMappingConfig(doc);
}

// Title is source-priority [salesforce, hubspot]: Salesforce's 'CTO' wins, HubSpot's 'Intern' is the loser.
const current = new Map([
  [recordKey(SF), { Title: 'CTO', FirstName: 'Ada' }],
  [recordKey(HS), { jobtitle: 'Intern', firstname: 'Ada' }],
]);
const winners = { title: 'CTO', firstName: 'Ada', department: '' };

describe('convergence mode in the mapping configuration', () => {
  it('defaults to plan when the key is missing (stored configurations stay valid)', () => {
    expect(DEFAULT_MAPPING_CONFIG.types.Customer!.fields.title!.convergence).toBe('plan');
    expect(hasAutomaticConvergence(DEFAULT_MAPPING_CONFIG, 'Customer')).toBe(false);
    expect(hasAutomaticConvergence(withModes({ title: 'on' }), 'Customer')).toBe(true);
  });

  it('refuses an unknown mode, naming the field', () => {
    const doc = structuredClone(DEFAULT_MAPPING_CONFIG_INPUT) as MappingConfigInput;
    (doc.types.Customer!.fields.title as { convergence?: unknown }).convergence = 'always';
    const r = validateMappingConfig(doc);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ path: 'types.Customer.fields.title.convergence', message: 'must be one of off, plan, on' }]);
  });
});

describe('planConvergence', () => {
  it('on: the record holding the loser gets the winner, marked for change capture', () => {
    const plan = planConvergence(withModes({ title: 'on' }), 'Customer', GOLDEN, winners, [SF, HS], current);
    const titles = plan.writes.filter((w) => w.field === 'title');
    expect(titles).toEqual([expect.objectContaining({ crm: 'hubspot', recordId: '501', nativeField: 'jobtitle', value: 'CTO', current: 'Intern', convergence: 'on' })]);
    expect(titles[0]!.reason).toMatch(/holds a losing value "Intern", the winner is "CTO"; convergence mode on/);
    // Equal values and empty winners are never written.
    expect(plan.writes.some((w) => w.field === 'firstName' || w.field === 'department')).toBe(false);
  });

  it('plan: the same correction is listed, saying convergence mode plan, and queues nothing', () => {
    const plan = planConvergence(withModes({ title: 'plan' }), 'Customer', GOLDEN, winners, [SF, HS], current);
    const write = plan.writes.find((w) => w.field === 'title')!;
    expect(write).toMatchObject({ crm: 'hubspot', convergence: 'plan' });
    expect(write.reason).toMatch(/convergence mode plan/);
    expect(convergenceRows(plan).rows).toEqual([]);
    // Change capture asks for on-mode fields only.
    expect(planConvergence(withModes({ title: 'plan' }), 'Customer', GOLDEN, winners, [SF, HS], current, ['on']).writes).toEqual([]);
  });

  it('off: neither planned nor written, and the plan says why', () => {
    const plan = planConvergence(withModes({ title: 'off' }), 'Customer', GOLDEN, winners, [SF, HS], current);
    expect(plan.writes.some((w) => w.field === 'title')).toBe(false);
    expect(plan.skipped.filter((s) => s.field === 'title').map((s) => [s.crm, s.reason])).toEqual([
      ['salesforce', 'convergence is off for title: neither planned nor written back automatically'],
      ['hubspot', 'convergence is off for title: neither planned nor written back automatically'],
    ]);
  });

  it('respects writable: a read-only mapping is not converged even in mode on', () => {
    const config = withModes({ companyName: 'on' });
    const plan = planConvergence(config, 'Customer', GOLDEN, { companyName: 'Acme' }, [SF, HS], new Map([[recordKey(SF), { 'Account.Name': 'Other' }], [recordKey(HS), { company: 'Other' }]]));
    expect(plan.writes.map((w) => w.crm)).toEqual(['hubspot']);
    expect(plan.skipped.find((s) => s.crm === 'salesforce')!.reason).toMatch(/not writable/);
  });
});

describe('convergenceRows', () => {
  const plan = planConvergence(withModes({ title: 'on' }), 'Customer', GOLDEN, winners, [SF, HS], current);

  it('one outbox row per record and field, with $expected and an idempotency key', () => {
    const { rows, held } = convergenceRows(plan, { versions: new Map([[recordKey(HS), '2026-01-01T00:00:00Z']]) });
    expect(held).toEqual([]);
    expect(rows).toEqual([{
      connectorId: 'hs-1', objectType: 'contacts', recordId: '501', goldenId: GOLDEN, operation: 'update',
      fields: { jobtitle: 'CTO', $expected: { jobtitle: 'Intern' } }, idempotencyKey: expect.stringMatching(/^convergence:[0-9a-f]{64}$/),
    }]);
    // The same captured change gives the same key; a later edit of the record (new version) a new one.
    const again = convergenceRows(plan, { versions: new Map([[recordKey(HS), '2026-01-01T00:00:00Z']]) });
    expect(again.rows[0]!.idempotencyKey).toBe(rows[0]!.idempotencyKey);
    const later = convergenceRows(plan, { versions: new Map([[recordKey(HS), '2026-01-02T00:00:00Z']]) });
    expect(later.rows[0]!.idempotencyKey).not.toBe(rows[0]!.idempotencyKey);
    const w = plan.writes[0]!;
    expect(convergenceKey(GOLDEN, { ...w, value: 'CEO' }, '2026-01-01T00:00:00Z')).not.toBe(rows[0]!.idempotencyKey);
  });

  it('queues nothing for our own echo', () => {
    const { rows, held } = convergenceRows(plan, { echoes: new Set([recordKey(HS)]) });
    expect(rows).toEqual([]);
    expect(held.map((h) => h.reason)).toEqual(['the record reports our own write (echo)']);
  });

  it('does not duplicate a waiting write of the same value, nor overwrite a waiting write of another value', () => {
    const same = convergenceRows(plan, { waiting: [{ connectorId: 'hs-1', objectType: 'contacts', recordId: '501', fields: { jobtitle: 'CTO' } }] });
    expect(same.rows).toEqual([]);
    expect(same.held[0]!.reason).toBe('the same value is already waiting in the outbox');
    const other = convergenceRows(plan, { waiting: [{ connectorId: 'hs-1', objectType: 'contacts', recordId: '501', fields: { jobtitle: 'VP' } }] });
    expect(other.rows).toEqual([]);
    expect(other.held[0]!.reason).toMatch(/another value for jobtitle is waiting/);
    // A waiting write of another field or another record does not hold it back.
    const unrelated = convergenceRows(plan, { waiting: [{ connectorId: 'hs-1', objectType: 'contacts', recordId: '501', fields: { firstname: 'Ada' } }, { connectorId: 'hs-1', objectType: 'contacts', recordId: '502', fields: { jobtitle: 'CTO' } }] });
    expect(unrelated.rows).toHaveLength(1);
  });

  it('never corrects a value that was not read', () => {
    const unread = planConvergence(withModes({ title: 'on' }), 'Customer', GOLDEN, winners, [SF, HS], new Map([[recordKey(SF), { Title: 'CTO' }]]));
    const { rows, held } = convergenceRows(unread);
    expect(rows).toEqual([]);
    expect(held.map((h) => h.reason)).toContain('jobtitle was not read');
  });
});
