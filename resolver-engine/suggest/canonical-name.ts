/**
 * Reduces a field name to the words that carry its meaning: 'MailingPostalCode' → 'postalcode',
 * 'hs_email_optout' → 'emailoptout', 'Industry__c' → 'industry', 'HasOptedOutOfEmail' → 'optedoutofemail'.
 */

// Prefixes that say where a value sits, not what it is; a golden field name never needs them.
const NOISE = new Set(['mailing', 'billing', 'shipping', 'other', 'hs', 'c', 'is', 'has', 'primary', 'the', 'address1', 'x']);

export function nameTokens(name: string): string[] {
  return name
    .replace(/__c$/i, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '');
}

export function canonicalName(name: string): string {
  const tokens = nameTokens(name);
  const meaningful = tokens.filter((t) => !NOISE.has(t));
  return (meaningful.length > 0 ? meaningful : tokens).join('');
}
