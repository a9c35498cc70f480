import { jaroWinkler } from '../../text/similarity.ts';
import type { MatchFeature } from './feature.ts';

/** Same employer supports a match a little; a different one says nothing (people change jobs). */
export const companyFeature: MatchFeature = (a, b) => {
  if (a.company === '' || b.company === '') return null;
  if (a.company === b.company) return { feature: 'company', weight: 1, detail: `same company '${a.company}'` };
  if (jaroWinkler(a.company, b.company) >= 0.9) return { feature: 'company', weight: 0.5, detail: `similar companies '${a.company}' and '${b.company}'` };
  return null;
};
