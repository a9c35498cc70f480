/**
 * `$skiptoken` paging cookies. Dataverse's nextLink carries `<cookie pagenumber="2" pagingcookie="…"
 * istracking="False" />`; clients must treat it as opaque and follow nextLink verbatim. Here the pagingcookie is
 * base64url JSON of a keyset position (the last row's sort values and id, or the last change's version), so rows
 * written between pages never make a page repeat or skip a row that did not move.
 */
import { badQuery } from '../errors.ts';

export interface PagingCookie {
  /** Page number of the page this cookie asks for (informational, as in Dataverse's cookie). */
  page: number;
  /** Keyset of a row read: the last row's sort values then its id. */
  after?: unknown[];
  /** Keyset of a delta read: the version of the last change returned. */
  afterVersion?: number;
  /** A change-tracked full read: the org version when its first page was read (its deltaLink's token). */
  startVersion?: number;
}

export function encodeSkiptoken(cookie: PagingCookie, tracking: boolean): string {
  const payload = Buffer.from(JSON.stringify(cookie)).toString('base64url');
  return `<cookie pagenumber="${cookie.page}" pagingcookie="${payload}" istracking="${tracking ? 'True' : 'False'}" />`;
}

export function decodeSkiptoken(token: string): PagingCookie {
  const m = /pagingcookie="([A-Za-z0-9_-]+)"/.exec(token);
  try {
    if (!m) throw new Error('no cookie');
    const cookie = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as PagingCookie;
    if (typeof cookie.page !== 'number') throw new Error('no page');
    return cookie;
  } catch {
    throw badQuery(`The $skiptoken '${token}' is not valid. Follow @odata.nextLink as it was returned.`);
  }
}
