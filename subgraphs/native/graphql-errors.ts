/**
 * Connector failures as GraphQL errors: `extensions.code` is the connector's code (CRM_UNAVAILABLE,
 * CRM_VALIDATION…) and `extensions.crm` names the CRM, so the gateway and clients branch on codes, never on text.
 * Connector messages are already redacted, so they may be shown as they are.
 */
import { GraphQLError } from 'graphql';
import { asConnectorError } from '../../connectors/contract/index.ts';

export function connectorGraphQLError(crm: string, err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  const e = asConnectorError(crm, err);
  const nativeCode = e.details?.nativeCode;
  return new GraphQLError(e.message, {
    extensions: {
      code: e.code,
      crm: e.crm,
      retryable: e.retryable,
      ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
      ...(typeof nativeCode === 'string' ? { nativeCode } : {}),
    },
  });
}

export function badUserInput(message: string, argumentName: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName } });
}
