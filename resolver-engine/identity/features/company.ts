import { jaroWinkler } from '../../text/similarity.ts';
import type { MatchFeature } from './feature.ts';

/**
 * Same employer is strong support once the name agrees (the standard CRM duplicate rule is name plus
 * account); a clearly different one says nothing, because people change jobs and CRMs lag behind.
 */
export const COMPANY_MATCH_WEIGHT = 2.5;

export const companyFeature: MatchFeature = (a, b) => {
  if (a.company === '' || b.company === '') return null;
  if (a.company === b.company) return { feature: 'company', weight: COMPANY_MATCH_WEIGHT, detail: `same company '${a.company}'` };
  // Compared without spaces too: 'NorthMaterials' is 'North Materials'.
  const similarity = Math.max(jaroWinkler(a.company, b.company), jaroWinkler(a.company.replace(/ /g, ''), b.company.replace(/ /g, '')));
  if (similarity >= 0.95) return { feature: 'company', weight: 2, detail: `'${a.company}' ≈ '${b.company}' (similarity ${similarity.toFixed(2)}, one company?)` };
  if (similarity >= 0.9) return { feature: 'company', weight: 1, detail: `similar companies '${a.company}' and '${b.company}'` };
  return null;
};
