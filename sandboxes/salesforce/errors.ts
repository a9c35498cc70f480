/**
 * Salesforce's error shapes. Single-resource calls answer a JSON array of `{message, errorCode, fields}`;
 * sObject Collections report per-record errors with `statusCode` instead (see collections routes).
 */

export class SfError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields: string[] = [],
  ) {
    super(message);
  }

  /** The single-resource body. */
  toBody(): { message: string; errorCode: string; fields: string[] }[] {
    return [{ message: this.message, errorCode: this.errorCode, fields: this.fields }];
  }

  /** The per-record shape used inside collection results. */
  toRecordError(): { statusCode: string; message: string; fields: string[] } {
    return { statusCode: this.errorCode, message: this.message, fields: this.fields };
  }
}

export const notFound = (message = 'The requested resource does not exist') => new SfError(404, 'NOT_FOUND', message);

export const entityIsDeleted = () => new SfError(404, 'ENTITY_IS_DELETED', 'entity is deleted');

export const jsonParserError = (message: string) => new SfError(400, 'JSON_PARSER_ERROR', message);

export const invalidSession = () => new SfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const apiLimitExceeded = () => new SfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

export const invalidType = (type: string) =>
  new SfError(404, 'NOT_FOUND', `The requested resource does not exist`, [type]);

/** Turns anything thrown by a handler into an SfError; unexpected errors are a 500 like Salesforce's UNKNOWN_EXCEPTION. */
export function asSfError(err: unknown): SfError {
  if (err instanceof SfError) return err;
  return new SfError(500, 'UNKNOWN_EXCEPTION', `An unexpected error occurred: ${(err as Error)?.message ?? String(err)}`);
}
