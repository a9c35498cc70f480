/** Which key encrypts credentials: CUSTOMER_GRAPH_SECRET_KEY, or on the embedded default a generated one. */
import { CredentialCipher } from '../db/credential-cipher.ts';
import type { AppConfig } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';
import { ProductError } from '../lib/product-error.ts';

export function resolveCipher(config: AppConfig, logger: Logger): CredentialCipher {
  if (config.secretKey) return CredentialCipher.fromEnvValue(config.secretKey);
  if (config.databaseUrl) {
    throw new ProductError(
      'SECRET_KEY_INVALID',
      'CUSTOMER_GRAPH_SECRET_KEY must be set when DATABASE_URL is set (a key generated on this machine would be lost with it). Generate one with: openssl rand -base64 32',
    );
  }
  const { cipher, generated, file } = CredentialCipher.fromDataDir(config.dataDir);
  if (generated) logger.warn({ file }, 'generated a new secret key for credentials (embedded default); back it up, or set CUSTOMER_GRAPH_SECRET_KEY');
  return cipher;
}
