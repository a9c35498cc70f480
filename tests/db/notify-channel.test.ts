/**
 * The `origin` of announcements (db/notify-channel.ts): one nonce per process, the same at every call, and one origin
 * per announcer built on it, so two announcers in one process (two apps, as tests run replicas) tell each other's
 * events from their own. Both fit the announcement schemas (at most 100 characters).
 */
import { describe, expect, it } from 'vitest';
import { decodeCrmMetadataChanged } from '../../db/metadata-events.ts';
import { announcerOrigin, processOrigin } from '../../db/notify-channel.ts';

describe('announcement origins', () => {
  it('processOrigin is one constant per process, naming its pid', () => {
    const origin = processOrigin();
    expect(processOrigin()).toBe(origin);
    expect(origin).toMatch(new RegExp(`^${process.pid}-[0-9a-f]{8}$`));
  });

  it('each announcer gets its own origin within the process nonce, and it fits an announcement', () => {
    const [a, b] = [announcerOrigin(), announcerOrigin()];
    expect(a).not.toBe(b);
    for (const origin of [a, b]) {
      expect(origin.startsWith(`${processOrigin()}.`)).toBe(true);
      expect(decodeCrmMetadataChanged(JSON.stringify({ crm: 'salesforce', origin }))).toEqual({ crm: 'salesforce', origin });
    }
  });
});
