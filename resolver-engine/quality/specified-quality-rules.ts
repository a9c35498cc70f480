/** The data-quality rules a golden field may list (`quality: [...]` in the mapping), in one table. */
import type { QualityContext, QualityResult, QualityRule } from './quality-rule.ts';
import { countryCode } from './rules/country-code.ts';
import { emailSyntax } from './rules/email-syntax.ts';
import { phoneParseable } from './rules/phone-parseable.ts';
import { trimWhitespace } from './rules/trim-whitespace.ts';
import { placeholderValue } from './rules/placeholder-value.ts';
import { nameCase } from './rules/name-case.ts';
import { websiteDomain } from './rules/website-domain.ts';

export const specifiedQualityRules: Readonly<Record<string, QualityRule>> = Object.freeze({
  [trimWhitespace.name]: trimWhitespace,
  [emailSyntax.name]: emailSyntax,
  [phoneParseable.name]: phoneParseable,
  [countryCode.name]: countryCode,
  [placeholderValue.name]: placeholderValue,
  [nameCase.name]: nameCase,
  [websiteDomain.name]: websiteDomain,
});

export function getQualityRule(name: string): QualityRule | undefined {
  return Object.hasOwn(specifiedQualityRules, name) ? specifiedQualityRules[name] : undefined;
}

/** Runs the named rules in order, each on the previous rule's output; empty values are left alone. */
export function applyQualityRules(value: unknown, ruleNames: readonly string[], ctx: QualityContext): QualityResult {
  const result: QualityResult = { value, issues: [] };
  for (const name of ruleNames) {
    if (result.value === null || result.value === undefined || (typeof result.value === 'string' && result.value.trim() === '')) break;
    const rule = getQualityRule(name);
    if (!rule) throw new Error(`unknown quality rule '${name}'`);
    const outcome = rule.check(result.value, ctx);
    result.value = outcome.value;
    result.issues.push(...outcome.issues);
  }
  return result;
}
