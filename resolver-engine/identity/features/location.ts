import type { MatchFeature } from './feature.ts';

export const locationFeature: MatchFeature = (a, b) => {
  if (a.postalCode !== '' && a.postalCode === b.postalCode) return { feature: 'location', weight: 0.5, detail: `same postal code ${a.postalCode}` };
  if (a.city !== '' && a.city === b.city) return { feature: 'location', weight: 0.25, detail: `same city '${a.city}'` };
  return null;
};
