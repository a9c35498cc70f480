/**
 * OData `$batch` for Dataverse (crm-wire-formats.md §3.5): many writes in ONE request, which Dataverse counts as
 * one against the service-protection limit. Two shapes:
 *  - independent parts under `Prefer: odata.continue-on-error`: every part runs and answers with its own status,
 *    so a failing item fails alone (our default);
 *  - one changeset (`allOrNone`): the parts commit together or not at all; a failure answers with that one error.
 * Each request part is `Content-Type: application/http` + `Content-Transfer-Encoding: binary`, then the raw request
 * line, headers, a blank line and the JSON body; answers are parsed back the same way, nested changesets included.
 */
import { randomUUID } from 'node:crypto';
import type { Lane } from '../contract/index.ts';
import type { DynamicsApi } from './client.ts';
import { unusable } from './client.ts';

export interface BatchOperation {
  method: 'POST' | 'PATCH' | 'DELETE';
  /** Absolute URL of the target (`…/api/data/v9.2/contacts(<guid>)`). */
  url: string;
  body?: unknown;
  /**
   * The body, given `$<Content-ID>` of the first operation of its group: an operation naming a row its group creates
   * (`WinOpportunity` after the create of the opportunity). Used instead of `body` when set.
   */
  bodyFor?: (firstRef: string) => unknown;
  headers?: Record<string, string>;
}

/** One answer part: the status line, headers (lower-case names) and body text. */
export interface BatchAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The part's parsed JSON body, the text when it was not JSON, null when empty. */
  body: unknown;
  contentId?: string;
}

const CRLF = '\r\n';

function requestPart(op: BatchOperation, contentId?: number, firstRef?: string): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) lines.push(`Content-ID: ${contentId}`);
  lines.push('', `${op.method} ${op.url} HTTP/1.1`, 'Accept: application/json');
  for (const [name, value] of Object.entries(op.headers ?? {})) lines.push(`${name}: ${value}`);
  const payload = op.bodyFor && firstRef !== undefined ? op.bodyFor(firstRef) : op.body;
  if (payload !== undefined) lines.push('Content-Type: application/json; type=entry');
  lines.push('', payload === undefined ? '' : JSON.stringify(payload));
  return lines.join(CRLF);
}

/** One changeset of `ops`, Content-IDs from `firstId` on, each group's operations able to name the group's first. */
function changeset(groups: readonly (readonly BatchOperation[])[], firstId: number): string {
  const boundary = `changeset_${randomUUID()}`;
  let id = firstId;
  const parts = groups.map((group) => {
    const ref = `$${id}`;
    return group.map((op) => `--${boundary}${CRLF}${requestPart(op, id++, ref)}${CRLF}`).join('');
  }).join('');
  return `Content-Type: multipart/mixed; boundary=${boundary}${CRLF}${CRLF}${parts}--${boundary}--${CRLF}`;
}

/** The multipart body of a batch; `atomic` wraps every operation in one changeset. */
export function buildBatch(ops: readonly BatchOperation[], atomic: boolean): { body: string; contentType: string } {
  return buildGroupedBatch(ops.map((op) => [op]), atomic);
}

/**
 * The multipart body of a batch of groups: a group of one operation is an independent part, a group of several
 * one changeset (they commit together: an item written in two steps never half-happens); `atomic` puts every
 * operation of every group in one changeset.
 */
export function buildGroupedBatch(groups: readonly (readonly BatchOperation[])[], atomic: boolean): { body: string; contentType: string } {
  const boundary = `batch_${randomUUID()}`;
  let body: string;
  if (atomic) {
    body = `--${boundary}${CRLF}${changeset(groups, 1)}`;
  } else {
    body = groups.map((group) => `--${boundary}${CRLF}${group.length === 1 ? `${requestPart(group[0]!)}${CRLF}` : changeset([group], 1)}`).join('');
  }
  return { body: `${body}--${boundary}--${CRLF}`, contentType: `multipart/mixed; boundary=${boundary}` };
}

function boundaryOf(contentType: string | null | undefined): string | undefined {
  const match = /boundary="?([^";]+)"?/i.exec(contentType ?? '');
  return match?.[1];
}

/** Splits `text` at `--boundary` lines; the preamble and what follows the closing delimiter are dropped. */
function splitParts(text: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const pieces = text.split(delimiter);
  const parts: string[] = [];
  for (const piece of pieces.slice(1)) {
    if (piece.startsWith('--')) break;
    parts.push(piece.replace(/^\r?\n/, '').replace(/\r?\n$/, ''));
  }
  return parts;
}

/** `Name: value` lines up to the first blank line, and the rest. */
function headersAndRest(text: string): { headers: Record<string, string>; rest: string } {
  const match = /\r?\n\r?\n/.exec(text);
  const head = match ? text.slice(0, match.index) : text;
  const rest = match ? text.slice(match.index + match[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, rest };
}

function parseJsonLoose(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}

/** Every answer of a batch response, changeset answers flattened in place. */
export function parseBatchAnswer(text: string, contentType: string | null): BatchAnswer[] {
  return parseBatchGroups(text, contentType).flat();
}

/** The answers of a batch response by top-level part: a changeset's answers together, any other part alone. */
export function parseBatchGroups(text: string, contentType: string | null): BatchAnswer[][] {
  const boundary = boundaryOf(contentType);
  if (!boundary || !/multipart\/mixed/i.test(contentType ?? '')) throw unusable(`answered a $batch with ${contentType ?? 'no content type'} instead of multipart/mixed`);
  const groups: BatchAnswer[][] = [];
  for (const part of splitParts(text, boundary)) {
    const { headers, rest } = headersAndRest(part);
    const inner = boundaryOf(headers['content-type']);
    if (inner && /multipart\/mixed/i.test(headers['content-type'] ?? '')) {
      groups.push(parseBatchAnswer(rest, headers['content-type'] ?? null));
      continue;
    }
    const statusLine = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(rest.trimStart());
    if (!statusLine) throw unusable('answered a $batch part without an HTTP status line');
    const { headers: httpHeaders, rest: body } = headersAndRest(rest.trimStart().replace(/^[^\r\n]*\r?\n/, ''));
    const contentId = headers['content-id'] ?? httpHeaders['content-id'];
    groups.push([{ status: Number(statusLine[1]), headers: httpHeaders, text: body.trim(), body: parseJsonLoose(body), ...(contentId ? { contentId } : {}) }]);
  }
  return groups;
}

/**
 * Sends one `$batch` of groups (see buildGroupedBatch); resolves to the answers of each top-level part in request
 * order: a group's answers, or a failed changeset's one error. `atomic`: one part, holding every answer.
 */
export async function sendBatch(api: DynamicsApi, lane: Lane, groups: readonly (readonly BatchOperation[])[], atomic: boolean, signal?: AbortSignal): Promise<BatchAnswer[][]> {
  const ops = groups.flat();
  const { body, contentType } = buildGroupedBatch(groups, atomic);
  const answer = await api.request<string>(lane, {
    method: 'POST',
    path: '$batch',
    raw: { body, contentType },
    headers: { accept: 'application/json' },
    ...(atomic ? {} : { prefer: ['odata.continue-on-error'] }),
    // Creates and actions (WinOpportunity…) inside make it unsafe to replay after a lost answer; updates (If-Match) and deletes are not.
    idempotent: ops.every((op) => op.method !== 'POST'),
    text: true,
    ...(signal ? { signal } : {}),
  });
  return parseBatchGroups(answer.body, answer.headers.get('content-type'));
}
