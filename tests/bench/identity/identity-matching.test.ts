import { describe, expect, it } from 'vitest';
import { evaluateMatcher } from '../../../bench/identity/evaluate.ts';
import { generatePeople } from '../../../bench/identity/generate-people.ts';

// A small generated set, so the whole matching run stays well under a few seconds even on a busy machine.
describe('identity matching on generated CRM records with known answers', () => {
  for (const seed of [1, 2]) {
    const result = evaluateMatcher(generatePeople({ entities: 800, seed }));

    it(`reaches pairwise F1 >= 0.9 with precision >= 0.99 (seed ${seed})`, () => {
      expect(result.truePairs).toBeGreaterThan(800);
      expect(result.f1).toBeGreaterThanOrEqual(0.9);
      expect(result.precision).toBeGreaterThanOrEqual(0.99);
    });

    it(`never auto-links a hard negative, directly or through a chain (seed ${seed})`, () => {
      for (const [kind, outcome] of Object.entries(result.hardNegatives)) {
        expect({ kind, linked: outcome.linked, clustered: outcome.clustered }).toEqual({ kind, linked: 0, clustered: 0 });
      }
      // The set really contains hard negatives of every kind the matcher must resist.
      expect(result.hardNegatives['company-phone'].pairs).toBeGreaterThan(0);
      expect(result.hardNegatives.namesake.pairs).toBeGreaterThan(0);
      expect(result.hardNegatives.domain.pairs).toBeGreaterThan(0);
      expect(result.hardNegatives['household-email'].pairs).toBeGreaterThan(0);
      expect(result.hardNegatives['household-address'].pairs).toBeGreaterThan(0);
      expect(result.hardNegatives['office-address'].pairs).toBeGreaterThan(0);
    });

    it(`compares roughly linearly many pairs, and sends some to review (seed ${seed})`, () => {
      expect(result.comparisons).toBeLessThan(result.records * 4);
      expect(result.review.total).toBeGreaterThan(0);
    });
  }

  it('the harsh profile (a second address in many records) still keeps hard negatives apart', () => {
    const harsh = evaluateMatcher(generatePeople({ entities: 600, seed: 3, profile: 'harsh' }));
    expect(Object.values(harsh.hardNegatives).reduce((s, o) => s + o.linked + o.clustered, 0)).toBe(0);
    expect(harsh.precision).toBeGreaterThanOrEqual(0.99);
  });
});
