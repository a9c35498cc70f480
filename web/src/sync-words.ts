/**
 * Sync health in plain words: CRM names as people know them, ages as "40 s" / "2 min" / "3 h", counts with their
 * noun. Kept apart from the view so the wording is in one place.
 */
const CRM_NAMES: Readonly<Record<string, string>> = { salesforce: 'Salesforce', hubspot: 'HubSpot' };

export function crmName(crm: string): string {
  return CRM_NAMES[crm.toLowerCase()] ?? crm;
}

/** A whole number of seconds as a short age: 40 s, 2 min, 3 h, 2 days. */
export function age(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  const days = Math.floor(seconds / 86_400);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** `3 changes`, `1 change`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** An ISO time in the reader's locale (the ISO value itself when it does not parse). */
export function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
