/**
 * Sync health's words (web/src/sync-words.ts) for what the browser tests do not pin down: the change-capture lease
 * owner as a reader says it (host, process, how often it polls), and lists of golden types.
 */
import { describe, expect, it } from 'vitest';
import { listed, processName } from '../../web/src/sync-words.ts';

describe('sync health words', () => {
  it('names the process that runs change capture by its host, process id and poll interval', () => {
    expect(processName('gw-1.internal:8432:f736fb12 poll=15000ms')).toBe('the process 8432 on host gw-1.internal (polls every 15 s)');
    expect(processName('vm:77:0a1b2c3d poll=120000ms')).toBe('the process 77 on host vm (polls every 2 min)');
    expect(processName('api-replica:9:0a1b2c3d poll=off')).toBe('the process 9 on host api-replica (polling off there)');
    // An owner from before the interval was part of the name, and one of a shape this page does not know.
    expect(processName('vm:8432:f736fb12')).toBe('the process 8432 on host vm');
    expect(processName('worker-a')).toBe('worker-a');
  });

  it('lists golden types as a sentence does', () => {
    expect([listed([]), listed(['Customer']), listed(['Customer', 'Company']), listed(['Customer', 'Company', 'Deal'])])
      .toEqual(['', 'Customer', 'Customer and Company', 'Customer, Company and Deal']);
  });
});
