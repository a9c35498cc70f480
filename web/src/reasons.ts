/**
 * The matcher's reasons in plain words. The admin API gives each reason as JSON text: `{feature, weight, detail}`
 * for one piece of evidence (positive weight: points to one person; negative: to two), or `{guard}` when a rule
 * kept the pair from being merged automatically. Anything else is shown as it came, never hidden.
 */
export interface Reason {
  text: string;
  /** 'for': evidence of one person; 'against': of two people; 'note': neither. */
  tone: 'for' | 'against' | 'note';
}

const FEATURES: Readonly<Record<string, string>> = {
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  phone: 'Phone',
  company: 'Company',
  address: 'Address',
  title: 'Job title',
};

export function reasonInWords(raw: string): Reason {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { text: raw, tone: 'note' };
  }
  if (typeof value === 'string') return { text: value, tone: 'note' };
  if (!value || typeof value !== 'object') return { text: raw, tone: 'note' };
  const o = value as Record<string, unknown>;
  if (typeof o.guard === 'string') return { text: `Not merged automatically: ${o.guard}.`, tone: 'note' };
  if (typeof o.feature === 'string') {
    const label = FEATURES[o.feature] ?? o.feature;
    const detail = typeof o.detail === 'string' ? o.detail : 'compared';
    const weight = typeof o.weight === 'number' ? o.weight : 0;
    if (weight > 0) return { text: `${label}: ${detail} — suggests the same person (+${weight}).`, tone: 'for' };
    if (weight < 0) return { text: `${label}: ${detail} — suggests different people (${weight}).`, tone: 'against' };
    return { text: `${label}: ${detail}.`, tone: 'note' };
  }
  return { text: Object.entries(o).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', '), tone: 'note' };
}
