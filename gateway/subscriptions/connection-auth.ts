/**
 * Who may open a subscription socket: the graphql-ws `connection_init` payload carries a token in
 * `authorization` ("Bearer <token>" or the bare token) or `token`, checked against CUSTOMER_GRAPH_API_TOKENS
 * (comma-separated, so tokens can be rotated by listing old and new). A refused socket is closed with 4403.
 * Without configured tokens subscriptions are open, and a warning says so once.
 */
import crypto from 'node:crypto';
import type { Logger } from '../../lib/logger.ts';

/** Parses CUSTOMER_GRAPH_API_TOKENS; undefined when unset or blank (subscriptions open). */
export function parseApiTokens(value: string | undefined): string[] | undefined {
  const tokens = (value ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  return tokens.length ? tokens : undefined;
}

/** The token a client sent in its connection_init payload, if any. */
export function tokenFromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const raw = params?.authorization ?? params?.Authorization ?? params?.token;
  if (typeof raw !== 'string') return undefined;
  const token = raw.replace(/^Bearer\s+/i, '').trim();
  return token || undefined;
}

export type ConnectionAuthoriser = (params: Readonly<Record<string, unknown>> | undefined) => boolean;

export function createConnectionAuthoriser(tokens: readonly string[] | undefined, logger: Logger): ConnectionAuthoriser {
  if (!tokens?.length) {
    let warned = false;
    return () => {
      if (!warned) {
        warned = true;
        logger.warn('CUSTOMER_GRAPH_API_TOKENS is not set: subscriptions at /graphql are open to anyone who can reach this port');
      }
      return true;
    };
  }
  // Compare digests in constant time, so neither the token nor its length leaks through timing.
  const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
  const allowed = tokens.map(digest);
  return (params) => {
    const token = tokenFromConnectionParams(params);
    if (!token) return false;
    const given = digest(token);
    let ok = false;
    for (const a of allowed) ok = crypto.timingSafeEqual(a, given) || ok;
    return ok;
  };
}
