/**
 * The MIME of OData `$batch` (multipart/mixed): parsing a request into top-level operations and changesets, and
 * rendering the answer. Each operation is an `application/http` part holding a raw HTTP request (request line,
 * headers, blank line, body); a changeset is a nested multipart/mixed part. Lines may end in CRLF or LF, since
 * hand-written batches often use LF.
 */

export interface BatchOperation {
  method: string;
  /** As written on the request line: absolute URL, `/api/data/v9.2/…`, relative `contacts`, or `$1`. */
  target: string;
  headers: Record<string, string>;
  body: string;
  /** The MIME part's Content-ID (inside changesets), echoed in the answer. */
  contentId?: string;
}

export type BatchItem = { kind: 'operation'; op: BatchOperation } | { kind: 'changeset'; ops: BatchOperation[] };

export class MultipartError extends Error {}

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/mixed\b/i.test(contentType)) return undefined;
  return /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)?.slice(1).find(Boolean);
}

/** Splits `text` into header block and body at the first empty line. */
function splitHead(text: string): { headers: Record<string, string>; body: string; firstLine?: string } {
  const m = /\r?\n\r?\n/.exec(text);
  const head = m ? text.slice(0, m.index) : text;
  const body = m ? text.slice(m.index + m[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

/** The parts between `--boundary` delimiters, up to `--boundary--`; preamble and epilogue are dropped. */
function splitParts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const lines = body.split(/\r?\n/);
  const parts: string[] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current) parts.push(current.join('\r\n'));
      current = trimmed === delimiter ? [] : undefined;
      if (trimmed !== delimiter) {
        closed = true;
        break;
      }
      continue;
    }
    current?.push(line);
  }
  if (!closed) throw new MultipartError(`The batch body has no closing delimiter --${boundary}--.`);
  return parts;
}

function parseOperation(part: string, mimeHeaders: Record<string, string>): BatchOperation {
  const type = mimeHeaders['content-type'] ?? '';
  if (!/^application\/http\b/i.test(type)) throw new MultipartError(`A batch part must be application/http or a multipart/mixed changeset, not '${type}'.`);
  const text = part.replace(/^(\r?\n)+/, '');
  const lineEnd = /\r?\n/.exec(text);
  const requestLine = (lineEnd ? text.slice(0, lineEnd.index) : text).trim();
  const m = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/\d\.\d)?$/.exec(requestLine);
  if (!m) throw new MultipartError(`Invalid request line in a batch part: '${requestLine}'.`);
  const rest = lineEnd ? text.slice(lineEnd.index + lineEnd[0].length) : '';
  // No header lines: the blank line follows the request line directly.
  const { headers, body } = /^\r?\n/.test(rest) ? { headers: {}, body: rest.replace(/^\r?\n/, '') } : splitHead(rest);
  const contentId = mimeHeaders['content-id'] ?? headers['content-id'];
  return { method: m[1]!, target: m[2]!, headers, body: body.replace(/(\r?\n)+$/, ''), ...(contentId ? { contentId } : {}) };
}

export function parseBatch(body: string, boundary: string): BatchItem[] {
  return splitParts(body, boundary).map((part) => {
    const { headers, body: content } = splitHead(part);
    const nested = boundaryOf(headers['content-type']);
    if (nested) {
      const ops = splitParts(content, nested).map((p) => {
        const inner = splitHead(p);
        if (boundaryOf(inner.headers['content-type'])) throw new MultipartError('A changeset cannot contain another changeset.');
        const op = parseOperation(inner.body, inner.headers);
        if (op.method === 'GET') throw new MultipartError('A changeset may contain only POST, PATCH, PUT and DELETE requests.');
        return op;
      });
      return { kind: 'changeset' as const, ops };
    }
    return { kind: 'operation' as const, op: parseOperation(content, headers) };
  });
}

/** One answer of a batch, rendered inside its MIME part. */
export interface BatchAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string;
  contentId?: string;
}

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 412: 'Precondition Failed', 429: 'Too Many Requests', 500: 'Internal Server Error',
};

function renderPart(a: BatchAnswer): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (a.contentId !== undefined) lines.push(`Content-ID: ${a.contentId}`);
  lines.push('', `HTTP/1.1 ${a.status} ${REASONS[a.status] ?? 'Unknown'}`);
  for (const [k, v] of Object.entries(a.headers)) lines.push(`${k}: ${v}`);
  lines.push('', a.body ?? '');
  return lines.join('\r\n');
}

export type RenderedItem = { kind: 'operation'; answer: BatchAnswer } | { kind: 'changeset'; answers: BatchAnswer[]; boundary: string };

export function renderBatch(items: RenderedItem[], boundary: string): string {
  const out: string[] = [];
  for (const item of items) {
    out.push(`--${boundary}`);
    if (item.kind === 'operation') {
      out.push(renderPart(item.answer));
      continue;
    }
    out.push(`Content-Type: multipart/mixed; boundary=${item.boundary}`, '');
    for (const a of item.answers) out.push(`--${item.boundary}`, renderPart(a));
    out.push(`--${item.boundary}--`);
  }
  out.push(`--${boundary}--`, '');
  return out.join('\r\n');
}
