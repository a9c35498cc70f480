/**
 * Write-back status and dead-letter replay resolvers: `writeBackStatus(id)`, `deadLetters(first)`,
 * `writeBackOutboxDepth` and `replayDeadLetters(ids)`. Kept apart from index.ts (mutations and SDL) so each file
 * stays one concept; the data comes from db/writeback-store.ts.
 */
import { GraphQLError } from 'graphql';
import { goldenRows } from '../../db/decision-store.ts';
import type { OutboxRow } from '../../db/outbox-store.ts';
import { deadLettersOf, outboxDepth, outboxRowsOf, recentDeadLetters, replayDeadLetters } from '../../db/writeback-store.ts';
import type { DeadLetterRow } from '../../db/writeback-store.ts';
import type { PlannerDeps } from '../../sync/writeback/planner.ts';

const STATE: Record<string, string> = { pending: 'PENDING', in_flight: 'PENDING', done: 'DONE', dead: 'FAILED', stale: 'SKIPPED' };

function renderRow(r: OutboxRow) {
  return { ...r, fields: JSON.stringify(r.fields), state: STATE[r.status] ?? r.status.toUpperCase(), updatedAt: r.updatedAt.toISOString() };
}

function renderDeadLetter(d: DeadLetterRow) {
  return { ...d, fields: JSON.stringify(d.fields), createdAt: d.createdAt.toISOString(), replayedAt: d.replayedAt?.toISOString() ?? null };
}

function badId(id: string): GraphQLError {
  return new GraphQLError(`'${id}' is not a golden id`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'id' } });
}

export function statusQueries(deps: PlannerDeps, typeOfId: (id: string) => string | null) {
  return {
    writeBackStatus: async (_: unknown, args: { id: string }) => {
      const typeName = typeOfId(args.id);
      if (!typeName || !deps.getConfig().types[typeName]) throw badId(args.id);
      const [rows, dead] = await Promise.all([outboxRowsOf(deps.db, [args.id]), deadLettersOf(deps.db, args.id)]);
      // "Nothing pending" for an id that names no record would read as "all written": say it names nothing.
      if (rows.length === 0 && dead.length === 0 && !(await goldenRows(deps.db, [args.id])).has(args.id)) {
        throw new GraphQLError(`No ${typeName} has id '${args.id}'`, { extensions: { code: 'NOT_FOUND', argumentName: 'id' } });
      }
      const rendered = rows.map(renderRow);
      const countOf = (state: string) => rendered.filter((r) => r.state === state).length;
      return { goldenId: args.id, pending: countOf('PENDING'), done: countOf('DONE'), failed: countOf('FAILED'), rows: rendered, deadLetters: dead.map(renderDeadLetter) };
    },
    deadLetters: async (_: unknown, args: { first?: number | null }) => {
      const first = args.first ?? 50;
      if (!Number.isInteger(first) || first < 1 || first > 1000) throw new GraphQLError('first must be between 1 and 1000', { extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' } });
      return (await recentDeadLetters(deps.db, first)).map(renderDeadLetter);
    },
    writeBackOutboxDepth: async () => Object.entries(await outboxDepth(deps.db)).map(([status, rows]) => ({ status, rows })),
  };
}

export function statusMutations(deps: PlannerDeps) {
  return {
    replayDeadLetters: async (_: unknown, args: { ids?: string[] | null }) => {
      const ids = args.ids?.map((id) => {
        const n = Number(id);
        if (!Number.isSafeInteger(n) || n < 1) throw new GraphQLError(`'${id}' is not a dead letter id`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'ids' } });
        return n;
      });
      return replayDeadLetters(deps.db, ids);
    },
  };
}
