/** Splits SOQL text into tokens, keeping each token's offset so errors can point at Row:Column. */
import { malformedQuery } from './errors.ts';

export type TokenKind = 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'op' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text (for strings: the unescaped value). */
  text: string;
  pos: number;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\w:])/;
const NUMBER = /^-?\d+(\.\d+)?(?![\w])/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', '%': '\\%', _: '\\_' };

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = query.slice(i);
    let m: RegExpExecArray | null;
    if (ch === "'") {
      const { value, end } = readString(query, i);
      tokens.push({ kind: 'string', text: value, pos: i });
      i = end;
    } else if ((m = DATETIME.exec(rest))) {
      tokens.push({ kind: 'datetime', text: m[0], pos: i });
      i += m[0].length;
    } else if ((m = DATE.exec(rest))) {
      tokens.push({ kind: 'date', text: m[0], pos: i });
      i += m[0].length;
    } else if ((m = NUMBER.exec(rest))) {
      tokens.push({ kind: 'number', text: m[0], pos: i });
      i += m[0].length;
    } else if ((m = IDENT.exec(rest))) {
      tokens.push({ kind: 'ident', text: m[0], pos: i });
      i += m[0].length;
    } else if ((m = /^(<=|>=|!=|<>|=|<|>)/.exec(rest))) {
      tokens.push({ kind: 'op', text: m[0] === '<>' ? '!=' : m[0], pos: i });
      i += m[0].length;
    } else if ('(),.:'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, pos: i });
      i++;
    } else {
      throw malformedQuery(query, i, `unexpected token: '${ch}'`);
    }
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos: query.length });
  return tokens;
}

/**
 * Reads a quoted string starting at `start`. `\%` and `\_` stay escaped (with their backslash) because only
 * LIKE gives them meaning; evaluate.ts unescapes them for other comparisons.
 */
function readString(query: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < query.length) {
    const ch = query.charAt(i);
    if (ch === '\\') {
      const next = query.charAt(i + 1);
      const mapped = ESCAPES[next];
      if (mapped === undefined) throw malformedQuery(query, i, `Invalid string literal '${query.slice(start, i + 2)}'. Illegal character sequence '\\${next}' in string literal.`);
      value += mapped;
      i += 2;
    } else if (ch === "'") {
      return { value, end: i + 1 };
    } else {
      value += ch;
      i++;
    }
  }
  throw malformedQuery(query, start, `unexpected token: '${query.slice(start)}'`);
}
