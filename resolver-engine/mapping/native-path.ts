/**
 * Reads a native field from a record as the CRM subgraph hands it over. Dotted paths follow relationships
 * (Salesforce `Account.Name` on a Contact); a missing hop reads as null rather than failing the record.
 */
export function readNativePath(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return null;
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined ? null : current;
}

export function isRelationshipPath(path: string): boolean {
  return path.includes('.');
}
