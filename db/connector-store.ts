/** Connectors and their credentials. Plaintext credentials never reach the database: they are encrypted first. */
import { eq, sql } from 'drizzle-orm';
import type { Database } from './open-database.ts';
import type { CredentialCipher } from './credential-cipher.ts';
import { recordConnectorDeletion } from './retirement-store.ts';
import { connectors, syncCursors, syncPollStatus } from './schema.ts';

export interface ConnectorInput {
  id: string;
  crm: string;
  name: string;
  baseUrl?: string | null;
  settings?: Record<string, unknown>;
  credentials?: Record<string, unknown>;
}

export interface ConnectorRow {
  id: string;
  crm: string;
  name: string;
  baseUrl: string | null;
  settings: Record<string, unknown>;
  status: string;
  statusReason: string | null;
}

export class ConnectorStore {
  constructor(
    private readonly db: Database,
    private readonly cipher: CredentialCipher,
  ) {}

  async upsert(input: ConnectorInput): Promise<void> {
    // Encrypt before building the row: if encryption fails nothing is written.
    const credentialsCiphertext = input.credentials ? this.cipher.encrypt(JSON.stringify(input.credentials), input.id) : null;
    const row = {
      id: input.id,
      crm: input.crm,
      name: input.name,
      baseUrl: input.baseUrl ?? null,
      settings: input.settings ?? {},
      ...(credentialsCiphertext ? { credentialsCiphertext } : {}),
    };
    // New credentials are worth trying again: a connector waiting for re-authorisation becomes active (its first
    // refusal marks it again). A disabled one stays disabled: that was someone's decision, not the CRM's.
    const retry = credentialsCiphertext
      ? { status: sql`case when ${connectors.status} = 'needs_reauthorisation' then 'active' else ${connectors.status} end`,
          statusReason: sql`case when ${connectors.status} = 'needs_reauthorisation' then null else ${connectors.statusReason} end` }
      : {};
    await this.db
      .insert(connectors)
      .values(row)
      .onConflictDoUpdate({ target: connectors.id, set: { ...row, ...retry, updatedAt: new Date() } });
  }

  async list(): Promise<ConnectorRow[]> {
    const rows = await this.db.select().from(connectors).orderBy(connectors.id);
    return rows.map(toRow);
  }

  async get(id: string): Promise<ConnectorRow | undefined> {
    const [row] = await this.db.select().from(connectors).where(eq(connectors.id, id));
    return row ? toRow(row) : undefined;
  }

  async readCredentials(id: string): Promise<Record<string, unknown> | null> {
    const [row] = await this.db.select({ c: connectors.credentialsCiphertext }).from(connectors).where(eq(connectors.id, id));
    if (!row?.c) return null;
    return JSON.parse(this.cipher.decrypt(row.c, id)) as Record<string, unknown>;
  }

  async writeCredentials(id: string, credentials: Record<string, unknown>): Promise<void> {
    const ciphertext = this.cipher.encrypt(JSON.stringify(credentials), id);
    await this.db.update(connectors).set({ credentialsCiphertext: ciphertext, updatedAt: new Date() }).where(eq(connectors.id, id));
  }

  async setStatus(id: string, status: 'active' | 'needs_reauthorisation' | 'disabled' | 'unavailable', reason: string | null): Promise<void> {
    await this.db.update(connectors).set({ status, statusReason: reason, updatedAt: new Date() }).where(eq(connectors.id, id));
  }

  /**
   * Removes a connector with its credentials, change cursors and poll status, in one transaction; false when there
   * was none. The cursors go too: a connector added again under this id must read from the start, not resume where
   * an old account left off. Links and history (inbox, outbox, audit) stay: they describe what happened.
   * `retireLinks` (an admin's deletion): the retirement of its links is recorded as due in the same transaction
   * (retirement-store.ts), so it is finished even if this process dies before it is.
   */
  async remove(id: string, opts: { retireLinks?: boolean } = {}): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const removed = await tx.delete(connectors).where(eq(connectors.id, id)).returning({ id: connectors.id, crm: connectors.crm, name: connectors.name });
      if (removed.length === 0) return false;
      if (opts.retireLinks) await recordConnectorDeletion(tx, id, removed[0]!.crm, removed[0]!.name);
      await tx.delete(syncCursors).where(eq(syncCursors.connectorId, id));
      await tx.delete(syncPollStatus).where(eq(syncPollStatus.connectorId, id));
      return true;
    });
  }

  /**
   * Re-encrypts every credential still on an older key with the newest one. A credential no configured key opens is
   * left untouched and reported, so one bad row never blocks the rotation of the others.
   */
  async rotateKeys(): Promise<{ rotated: string[]; failed: { id: string; reason: string }[] }> {
    const rows = await this.db.select({ id: connectors.id, c: connectors.credentialsCiphertext }).from(connectors);
    const rotated: string[] = [];
    const failed: { id: string; reason: string }[] = [];
    for (const row of rows) {
      if (!row.c || !this.cipher.needsRotation(row.c)) continue;
      try {
        const next = this.cipher.reencrypt(row.c, row.id);
        await this.db.update(connectors).set({ credentialsCiphertext: next, updatedAt: new Date() }).where(eq(connectors.id, row.id));
        rotated.push(row.id);
      } catch (err) {
        failed.push({ id: row.id, reason: (err as Error).message });
      }
    }
    return { rotated, failed };
  }
}

function toRow(r: typeof connectors.$inferSelect): ConnectorRow {
  return { id: r.id, crm: r.crm, name: r.name, baseUrl: r.baseUrl, settings: r.settings, status: r.status, statusReason: r.statusReason };
}
