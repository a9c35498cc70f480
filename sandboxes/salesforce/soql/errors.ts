/** SOQL errors the way Salesforce words them: the query, a caret line and `ERROR at Row:r:Column:c`. */
import { SfError } from '../errors.ts';

function located(query: string, pos: number, text: string): string {
  const before = query.slice(0, pos);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const col = pos - lineStart + 1;
  const line = query.split('\n')[row - 1] ?? '';
  return `\n${line}\n${' '.repeat(Math.max(0, col - 1))}^\nERROR at Row:${row}:Column:${col}\n${text}`;
}

export const malformedQuery = (query: string, pos: number, text: string) =>
  new SfError(400, 'MALFORMED_QUERY', located(query, pos, text));

export const invalidField = (query: string, pos: number, field: string, entity: string) =>
  new SfError(400, 'INVALID_FIELD', located(query, pos,
    `No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`));

export const invalidType = (query: string, pos: number, type: string) =>
  new SfError(400, 'INVALID_TYPE', located(query, pos,
    `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`));

export const invalidRelationship = (query: string, pos: number, rel: string, entity: string) =>
  new SfError(400, 'INVALID_FIELD', located(query, pos,
    `Didn't understand relationship '${rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names. (entity '${entity}')`));

export const invalidFilter = (query: string, pos: number, text: string) =>
  new SfError(400, 'INVALID_QUERY_FILTER_OPERATOR', located(query, pos, text));
