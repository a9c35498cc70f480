/**
 * Where tokens live between restarts. db/ implements this with encrypted columns; the in-memory store below
 * serves tests and the embedded demo.
 */

export interface StoredToken {
  accessToken: string;
  /** Absent for client-credentials and static tokens. */
  refreshToken?: string;
  /** Epoch ms; null when the CRM does not say (Salesforce): the token is then used until a 401. */
  expiresAt: number | null;
  /** Where API calls go when the token endpoint decides it (Salesforce `instance_url`). */
  instanceUrl?: string;
  scope?: string;
  /** Other string fields of the token answer a connector may need (Salesforce identity `id` URL, HubSpot `hub_id`). */
  extra?: Record<string, string>;
}

export interface TokenStore {
  load(connectorId: string): Promise<StoredToken | null>;
  save(connectorId: string, token: StoredToken): Promise<void>;
}

export class InMemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, StoredToken>();
  saves = 0;

  constructor(initial?: Record<string, StoredToken>) {
    for (const [id, token] of Object.entries(initial ?? {})) this.tokens.set(id, { ...token });
  }

  async load(connectorId: string): Promise<StoredToken | null> {
    const token = this.tokens.get(connectorId);
    return token ? { ...token } : null;
  }

  async save(connectorId: string, token: StoredToken): Promise<void> {
    this.saves++;
    this.tokens.set(connectorId, { ...token });
  }
}
