import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SEED_FILES, generateDemoSeed, writeSeedFolder } from '../../../sandboxes/demo/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'demo-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeSeedFolder', () => {
  const seed = generateDemoSeed({ customers: 80, seed: 9 });

  it('writes one parseable JSON array per CRM object, ids preserved', () => {
    const written = writeSeedFolder(path.join(dir, 'a'), seed);
    expect(written).toHaveLength(16);
    expect(readdirSync(path.join(dir, 'a', 'salesforce')).sort()).toEqual(['Account.json', 'Contact.json', 'Lead.json', 'Opportunity.json']);
    expect(readdirSync(path.join(dir, 'a', 'hubspot')).sort()).toEqual(['companies.json', 'contacts.json', 'deals.json']);
    for (const object of SEED_FILES.salesforce) {
      const parsed: unknown = JSON.parse(readFileSync(path.join(dir, 'a', 'salesforce', `${object}.json`), 'utf8'));
      expect(parsed).toEqual(seed.salesforce[object]);
    }
    for (const object of SEED_FILES.hubspot) {
      const parsed: unknown = JSON.parse(readFileSync(path.join(dir, 'a', 'hubspot', `${object}.json`), 'utf8'));
      expect(Array.isArray(parsed)).toBe(true);
      expect(parsed).toEqual(seed.hubspot[object]);
    }
    for (const object of SEED_FILES.pipedrive) {
      expect(JSON.parse(readFileSync(path.join(dir, 'a', 'pipedrive', `${object}.json`), 'utf8'))).toEqual(seed.pipedrive[object]);
    }
    for (const object of SEED_FILES.dynamics) {
      expect(JSON.parse(readFileSync(path.join(dir, 'a', 'dynamics', `${object}.json`), 'utf8'))).toEqual(seed.dynamics[object]);
    }
    for (const object of SEED_FILES.zoho) {
      expect(JSON.parse(readFileSync(path.join(dir, 'a', 'zoho', `${object}.json`), 'utf8'))).toEqual(seed.zoho[object]);
    }
    expect(readdirSync(path.join(dir, 'a')).sort()).toEqual(['dynamics', 'hubspot', 'pipedrive', 'salesforce', 'zoho']);
  });

  it('writes the ground truth beside the CRM folders only when asked', () => {
    writeSeedFolder(path.join(dir, 'b'), seed, { includeTruth: true });
    const truth: unknown = JSON.parse(readFileSync(path.join(dir, 'b', 'truth.json'), 'utf8'));
    expect(truth).toEqual(seed.truth);
  });

  it('writes byte-identical files for the same seed', () => {
    writeSeedFolder(path.join(dir, 'c'), generateDemoSeed({ customers: 80, seed: 9 }));
    for (const file of ['salesforce/Contact.json', 'hubspot/deals.json']) {
      expect(readFileSync(path.join(dir, 'c', file), 'utf8')).toBe(readFileSync(path.join(dir, 'a', file), 'utf8'));
    }
  });
});
