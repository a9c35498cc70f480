/**
 * HubSpot's error envelope. Every error leaves with `Content-Type: application/json`: the HubSpot client cannot
 * even read the status code of an error whose body it cannot parse (reference §0.1).
 */
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

export interface ErrorDetail {
  message: string;
  code?: string;
  in?: string;
  context?: Record<string, string[]>;
  subCategory?: string;
}

/** One invalid property value, in the shape HubSpot embeds (as JSON text) in its VALIDATION_ERROR message. */
export interface PropertyProblem {
  isValid: false;
  message: string;
  error: string;
  name: string;
  localizedErrorMessage: string;
}

export class HubSpotError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly category: string,
    message: string,
    readonly extra: { errors?: ErrorDetail[]; context?: Record<string, string[]>; subCategory?: string } = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      status: 'error',
      message: this.message,
      correlationId: randomUUID(),
      category: this.category,
      ...(this.extra.subCategory ? { subCategory: this.extra.subCategory } : {}),
      ...(this.extra.context ? { context: this.extra.context } : {}),
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
    };
  }
}

export function sendError(res: Response, err: HubSpotError): void {
  res.status(err.httpStatus).type('application/json').send(JSON.stringify(err.body()));
}

/** Sends any JSON body with the exact status; used for the non-standard OAuth and 429 bodies too. */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(JSON.stringify(body));
}

export const validationError = (message: string, errors?: ErrorDetail[]) =>
  new HubSpotError(400, 'VALIDATION_ERROR', message, errors ? { errors } : {});

export const notFound = (id: string) =>
  new HubSpotError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [id] } });

/** The error HubSpot returns when one or more property values of a write are rejected. */
export function propertyValuesError(problems: PropertyProblem[]): HubSpotError {
  return new HubSpotError(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(problems)}`, {
    errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  });
}

export function problem(name: string, error: string, message: string): PropertyProblem {
  return { isValid: false, message, error, name, localizedErrorMessage: message };
}

/** 429 bodies exactly as §2.10 (they carry `errorType`/`policyName`, not `category`). */
export function rateLimitBody(policy: 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY'): Record<string, unknown> {
  const message =
    policy === 'TEN_SECONDLY_ROLLING'
      ? 'You have reached your ten_secondly_rolling limit.'
      : policy === 'DAILY'
        ? 'You have reached your daily limit.'
        : 'You have reached your secondly limit.';
  return { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName: policy };
}

export function sendRateLimited(res: Response, policy: 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY', retryAfterSeconds: number): void {
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  sendJson(res, 429, rateLimitBody(policy));
}

/** HubSpot timestamps: ISO-8601 UTC with milliseconds and `Z`. */
export const isoNow = (): string => new Date().toISOString();
