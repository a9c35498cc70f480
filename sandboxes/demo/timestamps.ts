/**
 * Record timestamps in each CRM's exact wire format (reference §0.4). Everything is placed relative to a FIXED
 * reference date, never the clock, so the demo set is identical on every run.
 */

/** 2026-11-01T00:00:00.000Z: "now" for the demo set. Modification times fall in the 90 days before it. */
export const DEMO_REFERENCE_DATE_MS = Date.UTC(2026, 10, 1);
export const DAY_MS = 86_400_000;

/** Salesforce datetime: `2024-05-01T12:00:00.000+0000`. */
export function salesforceDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** Salesforce date field (e.g. Opportunity.CloseDate): `2024-05-01`. */
export function salesforceDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** HubSpot datetime property and createdAt/updatedAt: `2024-05-01T12:00:00.000Z`. */
export function hubspotDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** HubSpot date property (e.g. deal closedate): ISO at UTC midnight, `2024-05-01T00:00:00.000Z`. */
export function hubspotDate(ms: number): string {
  return `${salesforceDate(ms)}T00:00:00.000Z`;
}

export const SALESFORCE_DATETIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;
export const SALESFORCE_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const HUBSPOT_DATETIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const HUBSPOT_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/;
