import { describe, expect, it } from 'vitest';
import { clusterMatches } from '../../../resolver-engine/identity/cluster-matches.ts';

describe('clusterMatches', () => {
  it('joins links transitively and keeps singletons', () => {
    const { clusters } = clusterMatches(['a', 'b', 'c', 'd'], [{ a: 'a', b: 'b', score: 9 }, { a: 'b', b: 'c', score: 9 }]);
    expect(clusters).toEqual([['a', 'b', 'c'], ['d']]);
  });
  it('ignores review and separate pairs', () => {
    const { clusters } = clusterMatches(['a', 'b'], [{ a: 'a', b: 'b', score: 5, decision: 'review' }]);
    expect(clusters).toEqual([['a'], ['b']]);
  });
  it('applies recorded must-link decisions', () => {
    const { clusters } = clusterMatches(['a', 'b', 'c'], [], { mustLink: [['a', 'c']] });
    expect(clusters).toEqual([['a', 'c'], ['b']]);
  });
  it('never joins a cannot-link pair, even transitively, and reports the blocked link', () => {
    const result = clusterMatches(['a', 'b', 'c'], [
      { a: 'a', b: 'b', score: 10, decision: 'link' },
      { a: 'b', b: 'c', score: 8.5, decision: 'link' },
    ], { cannotLink: [['a', 'c']] });
    expect(result.clusters).toEqual([['a', 'b'], ['c']]);
    expect(result.blocked).toEqual([{ a: 'b', b: 'c', reason: expect.stringMatching(/cannot-link/) }]);
  });
  it('keeps the stronger link when a cannot-link forces a choice, whatever the input order', () => {
    const links = [{ a: 'b', b: 'c', score: 12 }, { a: 'a', b: 'b', score: 8 }];
    const one = clusterMatches(['a', 'b', 'c'], links, { cannotLink: [['a', 'c']] });
    const two = clusterMatches(['a', 'b', 'c'], [...links].reverse(), { cannotLink: [['a', 'c']] });
    expect(one.clusters).toEqual([['a'], ['b', 'c']]);
    expect(two).toEqual(one);
  });
  it('a must-link that contradicts a cannot-link is reported, not applied', () => {
    const result = clusterMatches(['a', 'b'], [], { mustLink: [['a', 'b']], cannotLink: [['a', 'b']] });
    expect(result.clusters).toEqual([['a'], ['b']]);
    expect(result.blocked).toHaveLength(1);
  });
});
