/**
 * Fields Salesforce computes from others: Name on Contact/Lead, compound addresses, and the Opportunity
 * stage-driven fields. Recomputed on every write so queries see them like any stored field.
 */
import { STAGES } from '../describe/standard-objects.ts';

type Row = Record<string, unknown>;

const ADDRESSES: Record<string, [string, string][]> = {
  Account: [['BillingAddress', 'Billing'], ['ShippingAddress', 'Shipping']],
  Contact: [['MailingAddress', 'Mailing']],
  Lead: [['Address', '']],
};

/**
 * @param changed the fields the client set on this write, so stage defaults only apply when the client
 *   changed the stage without giving its own probability or forecast category.
 */
export function applyDerived(type: string, row: Row, changed: Row, isCreate: boolean): void {
  if (type === 'Contact' || type === 'Lead' || type === 'User') {
    row.Name = [row.FirstName, row.LastName].filter((v) => typeof v === 'string' && v !== '').join(' ') || null;
  }
  for (const [compound, prefix] of ADDRESSES[type] ?? []) {
    const parts = {
      street: row[`${prefix}Street`] ?? null,
      city: row[`${prefix}City`] ?? null,
      state: row[`${prefix}State`] ?? null,
      postalCode: row[`${prefix}PostalCode`] ?? null,
      country: row[`${prefix}Country`] ?? null,
    };
    const empty = Object.values(parts).every((v) => v === null);
    row[compound] = empty ? null : { ...parts, geocodeAccuracy: null, latitude: null, longitude: null };
  }
  if (type === 'Opportunity') {
    const stage = STAGES.find((s) => s.value === row.StageName);
    const stageChanged = isCreate || 'StageName' in changed;
    if (stage) {
      if (stageChanged && !('Probability' in changed)) row.Probability = stage.probability;
      if (stageChanged && !('ForecastCategoryName' in changed)) row.ForecastCategoryName = stage.forecast;
      row.IsClosed = stage.closed;
      row.IsWon = stage.won;
    }
    const amount = typeof row.Amount === 'number' ? row.Amount : null;
    const probability = typeof row.Probability === 'number' ? row.Probability : null;
    row.ExpectedRevenue = amount !== null && probability !== null ? Number(((amount * probability) / 100).toFixed(2)) : null;
  }
}
