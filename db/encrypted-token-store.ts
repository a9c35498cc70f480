/**
 * OAuth tokens persisted between restarts, encrypted like every credential: they live inside the connector's
 * encrypted credentials document under `token`. Structurally it is the connector runtime's `TokenStore` (db/ does
 * not import connectors/: the composition root hands this object to the runtime).
 */
import type { ConnectorStore } from './connector-store.ts';

export interface PersistedToken {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number | null;
  instanceUrl?: string;
  scope?: string;
  extra?: Record<string, string>;
}

export class EncryptedTokenStore {
  constructor(private readonly connectors: ConnectorStore) {}

  async load(connectorId: string): Promise<PersistedToken | null> {
    const credentials = await this.connectors.readCredentials(connectorId);
    return (credentials?.token as PersistedToken | undefined) ?? null;
  }

  async save(connectorId: string, token: PersistedToken): Promise<void> {
    const credentials = (await this.connectors.readCredentials(connectorId)) ?? {};
    // A rotated refresh token replaces the configured one, so a restart keeps working after rotation.
    const next = { ...credentials, token, ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}) };
    await this.connectors.writeCredentials(connectorId, next);
  }
}
