/**
 * Credentials at rest: AES-256-GCM, a random 96-bit IV per value, the connector id bound as associated data (so a
 * ciphertext copied onto another connector does not decrypt). Several keys may be configured for rotation: the
 * first encrypts, any of them decrypts, and `reencrypt()` moves a value onto the newest key.
 *
 * Envelope: `v1:<key id>:<iv b64>:<tag b64>:<ciphertext b64>`; the key id is a short hash of the key, never the key.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ProductError } from '../lib/product-error.ts';

export interface SecretKey {
  id: string;
  key: Buffer;
}

export class CredentialCipher {
  private readonly keys: SecretKey[];

  constructor(keys: SecretKey[]) {
    if (keys.length === 0) throw new ProductError('SECRET_KEY_INVALID', 'No secret key configured: set CUSTOMER_GRAPH_SECRET_KEY.');
    this.keys = keys;
  }

  /** Parses `CUSTOMER_GRAPH_SECRET_KEY`: comma-separated keys, newest first, each 32 bytes as base64 or 64 hex digits. */
  static fromEnvValue(value: string | undefined): CredentialCipher {
    if (!value || !value.trim()) {
      throw new ProductError('SECRET_KEY_INVALID', 'CUSTOMER_GRAPH_SECRET_KEY is not set. Generate one with: openssl rand -base64 32');
    }
    const keys = value.split(',').map((raw, index) => parseKey(raw.trim(), index));
    return new CredentialCipher(keys);
  }

  /**
   * The embedded default: reads `<dataDir>/secret.key`, generating it on first use. Returns whether it was generated
   * so the caller can say so.
   */
  static fromDataDir(dataDir: string): { cipher: CredentialCipher; generated: boolean; file: string } {
    const file = path.join(dataDir, 'secret.key');
    let generated = false;
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(file, crypto.randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      generated = true;
    }
    try {
      return { cipher: CredentialCipher.fromEnvValue(fs.readFileSync(file, 'utf8')), generated, file };
    } catch (err) {
      if (!(err instanceof ProductError) || err.code !== 'SECRET_KEY_INVALID') throw err;
      // Not the variable's fault, and a new key would not help: the stored credentials were encrypted with this one.
      throw new ProductError(
        'SECRET_KEY_INVALID',
        `The embedded secret key file ${file} is damaged (expected 32 bytes as base64 or 64 hex digits). Restore it from your backup: `
        + 'the CRM credentials stored in this data folder can only be read with it. Only if you have none, move the file aside and enter every connector\'s credentials again.',
      );
    }
  }

  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  encrypt(plaintext: string, connectorId: string): string {
    const { id, key } = this.keys[0]!;
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(connectorId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  decrypt(envelope: string, connectorId: string): string {
    const parts = envelope.split(':');
    if (parts.length !== 5 || parts[0] !== 'v1') {
      throw new ProductError('CREDENTIAL_DECRYPT_FAILED', `The stored credential of connector ${connectorId} is not a v1 envelope; it may have been altered.`);
    }
    const [, keyId, ivB64, tagB64, ctB64] = parts as [string, string, string, string, string];
    const candidates = [...this.keys.filter((k) => k.id === keyId), ...this.keys.filter((k) => k.id !== keyId)];
    for (const { key } of candidates) {
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(ivB64, 'base64'));
        decipher.setAAD(Buffer.from(connectorId, 'utf8'));
        decipher.setAuthTag(Buffer.from(tagB64, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        // try the next key: rotation keeps older keys around for exactly this
      }
    }
    const known = this.keys.some((k) => k.id === keyId);
    throw new ProductError(
      'CREDENTIAL_DECRYPT_FAILED',
      known
        ? `The stored credential of connector ${connectorId} failed authentication: it was altered or copied from another connector. Re-enter the credentials.`
        : `The stored credential of connector ${connectorId} was encrypted with key ${keyId}, which is not configured. Add that key to CUSTOMER_GRAPH_SECRET_KEY (after the newest one).`,
      { connectorId, keyId },
    );
  }

  /** True when the value is encrypted with an older key and should be rewritten. */
  needsRotation(envelope: string): boolean {
    return envelope.split(':')[1] !== this.currentKeyId;
  }

  reencrypt(envelope: string, connectorId: string): string {
    return this.encrypt(this.decrypt(envelope, connectorId), connectorId);
  }
}

function parseKey(raw: string, index: number): SecretKey {
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(raw)) key = Buffer.from(raw, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) key = Buffer.from(raw, 'base64');
  if (!key || key.length !== 32) {
    throw new ProductError(
      'SECRET_KEY_INVALID',
      `CUSTOMER_GRAPH_SECRET_KEY key #${index + 1} is malformed: expected 32 bytes as base64 (44 characters) or 64 hex digits. Generate one with: openssl rand -base64 32`,
    );
  }
  return { id: crypto.createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}
