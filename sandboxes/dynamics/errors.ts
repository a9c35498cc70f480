/**
 * Dataverse's error shape and the answer type every handler returns. Handlers never touch express: they return an
 * `ApiAnswer`, so the same code answers a direct call and an operation inside `$batch` (which renders the answer
 * as a raw HTTP part instead of writing it to a socket).
 */

/** An answer before it is written: status, headers and an optional (already serialised) body. */
export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

/** Every JSON answer carries these (pinned: `application/json; odata.metadata=minimal` and OData-Version 4.0). */
export const JSON_HEADERS = { 'Content-Type': 'application/json; odata.metadata=minimal', 'OData-Version': '4.0' } as const;

export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): ApiAnswer {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function emptyAnswer(status: number, headers: Record<string, string> = {}): ApiAnswer {
  return { status, headers: { 'OData-Version': '4.0', ...headers } };
}

/** A Dataverse error: `{"error":{"code":"0x…","message":"…"}}` with its HTTP status. Thrown by handlers. */
export class DataverseError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  answer(): ApiAnswer {
    return jsonAnswer(this.httpStatus, { error: { code: this.code, message: this.message } }, this.headers);
  }
}

/** The codes this sandbox uses, named once so handlers and tests agree (values as Dataverse sends them). */
export const CODES = {
  notFound: '0x80040217',
  resourceNotFound: '0x8006088a',
  badProperty: '0x80060888',
  requiredOrReadOnly: '0x80040203',
  tooLong: '0x80044331',
  badValue: '0x80048d19',
  optionOutOfRange: '0x8004431a',
  duplicateKey: '0x80060892',
  alreadyExists: '0x80040237',
  etagMismatch: '0x80060882',
  deltaExpired: '0x80044352',
  tooManyRequests: '0x80072322',
  unexpected: '0x80040216',
  batchTooLarge: '0x8005f101',
  attributeExists: '0x80044363',
  cannotDelete: '0x80048405',
  /** PATCHing an opportunity's statecode to Won/Lost: Dataverse wants the WinOpportunity / LoseOpportunity request. */
  closeThroughAction: '0x80045002',
  /**
   * WinOpportunity / LoseOpportunity of an opportunity that is already closed. Dataverse refuses it (the record is
   * read-only until reopened); the exact code of a real org is not verified here: InvalidArgument stands in.
   */
  alreadyClosed: '0x80040203',
} as const;

export const badRequest = (code: string, message: string) => new DataverseError(400, code, message);

/** Unknown attribute, in a body, $select, $filter or $orderby: Dataverse's OData message, word for word. */
export const unknownProperty = (name: string, logicalName: string) =>
  badRequest(CODES.badProperty, `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${logicalName}'.`);

/** A query the OData parser refuses (syntax, unsupported option). */
export const badQuery = (message: string) => badRequest(CODES.badProperty, message);

export const rowNotFound = (logicalName: string, id: string) =>
  new DataverseError(404, CODES.notFound, `${logicalName} With Id = ${id} Does Not Exist`);

export const serverErrorAnswer = () =>
  new DataverseError(500, CODES.unexpected, 'An unexpected error occurred.').answer();
