import type { QualityRule } from '../quality-rule.ts';

// Pragmatic, not RFC 5322: one @, no spaces, a dotted domain with a letter TLD. Catches the typos CRMs hold
// ('ada@acme', 'ada.acme.com', 'ada@@acme.com'); rare exotic-but-valid addresses are flagged, still kept.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;

export const emailSyntax: QualityRule = {
  name: 'email-syntax',
  description: 'Lower-cases the domain of an email address and flags addresses that are not well formed.',
  check(value, ctx) {
    if (typeof value !== 'string') return { value, issues: [] };
    const trimmed = value.trim();
    const at = trimmed.lastIndexOf('@');
    // The local part is case-sensitive by the standard, so only the domain is lower-cased.
    const normalised = at > 0 ? trimmed.slice(0, at) + trimmed.slice(at).toLowerCase() : trimmed;
    const valid = EMAIL.test(normalised) && !normalised.includes('..');
    return {
      value: normalised,
      issues: valid ? [] : [{ code: 'INVALID_EMAIL', message: `${ctx.field}: '${value}' is not a well-formed email address` }],
    };
  },
};
