import type { MatchFeature } from './feature.ts';

/** Between a name and a workplace: enough, with a full name in a city where the run makes it telling, to link. */
export const SAME_TITLE_IN_CITY_WEIGHT = 1.5;

/**
 * The same job title in the same city, where the run makes two people of one full name and one title there
 * unlikely (`citiesWhereTitleTells`). Titles change, so a different one says nothing; in a big city (or a run
 * with common names or few distinct titles) the same one says nothing either. The guard links on it only with
 * the full name and no sign of two employers.
 */
export const titleFeature: MatchFeature = (a, b, ctx) => {
  if (a.title === '' || a.title !== b.title || a.city === '' || a.city !== b.city) return null;
  if (!ctx.citiesWhereTitleTells?.has(a.city)) return null;
  return { feature: 'title', weight: SAME_TITLE_IN_CITY_WEIGHT, detail: `same title '${a.title}' in '${a.city}', where two people of one full name and title are unlikely` };
};
