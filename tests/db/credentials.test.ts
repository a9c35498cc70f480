import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { CredentialCipher } from '../../db/credential-cipher.ts';
import { ConnectorStore } from '../../db/connector-store.ts';
import { ProductError } from '../../lib/product-error.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const key = () => crypto.randomBytes(32).toString('base64');
const secret = { clientId: 'customer-graph', clientSecret: 'sup3r-s3cret-value-42', refreshToken: 'refresh-XYZ-987' };

describe('credential encryption at rest', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  it('round-trips a credential through the database', async () => {
    const store = new ConnectorStore(t.db, CredentialCipher.fromEnvValue(key()));
    await store.upsert({ id: 'sf-main', crm: 'salesforce', name: 'Salesforce', credentials: secret });
    expect(await store.readCredentials('sf-main')).toEqual(secret);
  });

  it('leaves no plaintext secret in a dump of the connectors table', async () => {
    const store = new ConnectorStore(t.db, CredentialCipher.fromEnvValue(key()));
    await store.upsert({ id: 'hs-main', crm: 'hubspot', name: 'HubSpot', credentials: secret });
    const dump = JSON.stringify(await t.db.execute(sql`select * from connectors`));
    expect(dump).toContain('hs-main');
    for (const value of Object.values(secret)) expect(dump).not.toContain(value);
    expect(dump).not.toContain(Buffer.from(secret.clientSecret).toString('base64'));
  });

  it('rejects a tampered ciphertext with a clear error', () => {
    const cipher = CredentialCipher.fromEnvValue(key());
    const envelope = cipher.encrypt('token', 'c1');
    const parts = envelope.split(':');
    const ct = Buffer.from(parts[4]!, 'base64');
    ct[0] = ct[0]! ^ 0xff;
    parts[4] = ct.toString('base64');
    expect(() => cipher.decrypt(parts.join(':'), 'c1')).toThrowError(/altered/);
  });

  it('rejects a ciphertext moved to another connector (connector id is bound)', () => {
    const cipher = CredentialCipher.fromEnvValue(key());
    const envelope = cipher.encrypt('token', 'c1');
    expect(() => cipher.decrypt(envelope, 'c2')).toThrowError(ProductError);
  });

  it('rejects decryption with a wrong key, naming the missing key id', () => {
    const a = CredentialCipher.fromEnvValue(key());
    const b = CredentialCipher.fromEnvValue(key());
    const envelope = a.encrypt('token', 'c1');
    try {
      b.decrypt(envelope, 'c1');
      expect.unreachable('decrypt should have thrown');
    } catch (err) {
      expect((err as ProductError).code).toBe('CREDENTIAL_DECRYPT_FAILED');
      expect((err as Error).message).toContain(a.currentKeyId);
    }
  });

  it('rotates keys: decrypts with an older key, re-encrypts with the newest', async () => {
    const oldKey = key();
    const newKey = key();
    const before = new ConnectorStore(t.db, CredentialCipher.fromEnvValue(oldKey));
    await before.upsert({ id: 'rot', crm: 'hubspot', name: 'Rotating', credentials: secret });
    const rotatingCipher = CredentialCipher.fromEnvValue(`${newKey},${oldKey}`);
    const during = new ConnectorStore(t.db, rotatingCipher);
    expect(await during.readCredentials('rot')).toEqual(secret);
    const report = await during.rotateKeys();
    expect(report.rotated).toContain('rot');
    expect(report.failed.map((f) => f.id)).not.toContain('rot');
    const after = new ConnectorStore(t.db, CredentialCipher.fromEnvValue(newKey));
    expect(await after.readCredentials('rot')).toEqual(secret);
  });

  it('refuses a malformed or missing key and writes nothing', async () => {
    expect(() => CredentialCipher.fromEnvValue('not-a-key')).toThrowError(/malformed/);
    expect(() => CredentialCipher.fromEnvValue('')).toThrowError(/not set/);
    const good = new ConnectorStore(t.db, CredentialCipher.fromEnvValue(key()));
    const broken = { encrypt: () => { throw new ProductError('SECRET_KEY_INVALID', 'no key'); } } as unknown as CredentialCipher;
    await expect(new ConnectorStore(t.db, broken).upsert({ id: 'never', crm: 'x', name: 'x', credentials: secret })).rejects.toThrow(/no key/);
    expect(await good.get('never')).toBeUndefined();
  });

  it('generates the embedded default key once, into the data folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-key-'));
    const first = CredentialCipher.fromDataDir(dir);
    const second = CredentialCipher.fromDataDir(dir);
    expect(first.generated).toBe(true);
    expect(second.generated).toBe(false);
    expect(second.cipher.decrypt(first.cipher.encrypt('x', 'c'), 'c')).toBe('x');
    expect(fs.statSync(first.file).mode & 0o777).toBe(0o600);
  });

  it('a damaged key file is named, with restoring it from a backup as the fix, and is left as it was', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-key-'));
    const file = path.join(dir, 'secret.key');
    fs.writeFileSync(file, 'not a key at all\n');
    let error: unknown;
    try {
      CredentialCipher.fromDataDir(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProductError);
    expect((error as ProductError).code).toBe('SECRET_KEY_INVALID');
    expect((error as Error).message).toContain(`secret key file ${file} is damaged`);
    expect((error as Error).message).toContain('Restore it from your backup');
    expect((error as Error).message).not.toContain('CUSTOMER_GRAPH_SECRET_KEY key #1');
    expect(fs.readFileSync(file, 'utf8')).toBe('not a key at all\n');
  });
});

describe('encrypted token store', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  it('persists a refreshed token encrypted, keeping the other credentials, and reads it back', async () => {
    const { EncryptedTokenStore } = await import('../../db/encrypted-token-store.ts');
    const connectors = new ConnectorStore(t.db, CredentialCipher.fromEnvValue(key()));
    await connectors.upsert({ id: 'hs-oauth', crm: 'hubspot', name: 'HubSpot', credentials: { clientId: 'c', clientSecret: 'very-secret-client', refreshToken: 'r1' } });
    const store = new EncryptedTokenStore(connectors);
    expect(await store.load('hs-oauth')).toBeNull();
    await store.save('hs-oauth', { accessToken: 'access-token-abcdef', refreshToken: 'r2', expiresAt: 123 });
    expect(await store.load('hs-oauth')).toEqual({ accessToken: 'access-token-abcdef', refreshToken: 'r2', expiresAt: 123 });
    expect(await connectors.readCredentials('hs-oauth')).toMatchObject({ clientSecret: 'very-secret-client', refreshToken: 'r2' });
    const dump = JSON.stringify(await t.db.execute(sql`select * from connectors`));
    expect(dump).not.toContain('access-token-abcdef');
  });
});
