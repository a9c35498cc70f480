/**
 * The words of "Deleted connectors" (web/src/connector-retirements.ts `retirementWords`) for the states the browser test
 * (connector-retirements-ui.test.ts) does not reach: a stalled run (its lease expired), a last error, a deletion
 * recorded before names were kept, and large numbers.
 */
import { describe, expect, it } from 'vitest';
import { retirementWords } from '../../web/src/connector-retirements.ts';
import type { ConnectorRetirement } from '../../web/src/connector-retirements.ts';

const base: ConnectorRetirement = {
  connectorId: 'hubspot-eu', crm: 'hubspot', connectorName: 'HubSpot EU', deletedAt: '2026-12-07T10:00:00Z', state: 'RUNNING',
  linksRetired: 9300, linksRemaining: 3100, goldenDeleted: 8000, snapshotsRecomputed: 1, lastProgressAt: '2026-12-07T10:05:00Z',
  finishedAt: null, leaseOwner: 'gw-1-123-abcd', leaseUntil: '2026-12-07T10:07:00Z', leaseExpired: false, lastError: null,
};

describe('a deleted connector\'s removal in words', () => {
  it('running: the total, what is left and who works on it', () => {
    const w = retirementWords(base);
    expect(w.tone).toBe('running');
    expect(w.headline).toBe("Removing 12,400 links of 'HubSpot EU' — 3,100 left.");
    expect(w.details[0]).toBe('9,300 retired so far; 8,000 golden records left without a source deleted, 1 golden record recomputed without it.');
    expect(w.details[1]).toMatch(/^Last progress .+\. Worked on by gw-1-123-abcd \(its lease holds until .+\)\.$/);
  });

  it('stalled: the process holding it stopped answering, and the last error says why links are kept', () => {
    const w = retirementWords({ ...base, state: 'WAITING', leaseExpired: true, lastError: { message: 'Could not read salesforce (timeout)', at: '2026-12-07T10:06:00Z' } });
    expect(w.tone).toBe('waiting');
    expect(w.headline).toBe("Waiting: 3,100 of 12,400 links of 'HubSpot EU' left to remove — the process working on it (gw-1-123-abcd) stopped answering; another gateway or worker takes over within a minute.");
    expect(w.details.at(-1)).toMatch(/^Last error \(.+\): Could not read salesforce \(timeout\)$/);
  });

  it('done, and a deletion without a stored name is called by its CRM and id', () => {
    const w = retirementWords({ ...base, connectorName: null, state: 'FINISHED', linksRetired: 12400, linksRemaining: 0, finishedAt: '2026-12-07T10:09:00Z', leaseOwner: null, leaseUntil: null });
    expect(w.tone).toBe('done');
    expect(w.headline).toBe("Done: removed 12,400 links of 'HubSpot connector hubspot-eu'.");
  });
});
