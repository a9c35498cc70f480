/**
 * Field usage, added up in the database: each process counts in memory what its clients asked for and adds its
 * counts here every so often (one upsert per flush), so the totals cover every gateway replica. Read back as totals
 * per schema coordinate over a window of days, for the admin API and for the breaking-change check of mapping saves.
 */
import { and, gte, inArray, sql } from 'drizzle-orm';
import type { Database } from './open-database.ts';
import { fieldUsage } from './schema.ts';

export interface UsageCount {
  coordinate: string;
  day: string;
  client: string;
  requests: number;
  lastSeenAt: Date;
}

export interface UsageTotal {
  coordinate: string;
  requests: number;
  lastSeenAt: Date;
  /** Client names, most requests first. */
  clients: string[];
}

/** The UTC day of `at`, as stored. */
export const usageDay = (at: Date): string => at.toISOString().slice(0, 10);

export class FieldUsageStore {
  constructor(private readonly db: Database) {}

  async add(counts: readonly UsageCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.db.insert(fieldUsage).values(counts.map((c) => ({ ...c }))).onConflictDoUpdate({
      target: [fieldUsage.coordinate, fieldUsage.day, fieldUsage.client],
      set: {
        requests: sql`${fieldUsage.requests} + excluded.requests`,
        lastSeenAt: sql`greatest(${fieldUsage.lastSeenAt}, excluded.last_seen_at)`,
      },
    });
  }

  /** Totals since `days` days ago (today included), for every coordinate or the given ones (or those starting `prefix.`). */
  async totals(opts: { days: number; coordinates?: readonly string[]; type?: string; now?: Date }): Promise<UsageTotal[]> {
    const since = usageDay(new Date((opts.now ?? new Date()).getTime() - (opts.days - 1) * 86_400_000));
    const conditions = [gte(fieldUsage.day, since)];
    if (opts.coordinates) {
      if (opts.coordinates.length === 0) return [];
      conditions.push(inArray(fieldUsage.coordinate, [...opts.coordinates]));
    }
    if (opts.type) conditions.push(sql`${fieldUsage.coordinate} like ${`${opts.type.replace(/[%_\\]/g, '\\$&')}.%`}`);
    const rows = await this.db
      .select({
        coordinate: fieldUsage.coordinate,
        client: fieldUsage.client,
        requests: sql<string>`sum(${fieldUsage.requests})`,
        lastSeenAt: sql<Date | string>`max(${fieldUsage.lastSeenAt})`,
      })
      .from(fieldUsage)
      .where(and(...conditions))
      .groupBy(fieldUsage.coordinate, fieldUsage.client);
    const byCoordinate = new Map<string, { requests: number; lastSeenAt: Date; clients: [string, number][] }>();
    for (const r of rows) {
      const requests = Number(r.requests);
      const last = new Date(r.lastSeenAt);
      const t = byCoordinate.get(r.coordinate) ?? { requests: 0, lastSeenAt: last, clients: [] };
      t.requests += requests;
      if (last > t.lastSeenAt) t.lastSeenAt = last;
      t.clients.push([r.client, requests]);
      byCoordinate.set(r.coordinate, t);
    }
    return [...byCoordinate].map(([coordinate, t]) => ({
      coordinate,
      requests: t.requests,
      lastSeenAt: t.lastSeenAt,
      clients: t.clients.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c),
    })).sort((a, b) => (a.coordinate < b.coordinate ? -1 : 1));
  }
}
