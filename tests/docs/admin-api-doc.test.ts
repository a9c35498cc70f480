/**
 * docs/admin-api.md stays true: every error code of the registry is in its table with the registry's HTTP status and
 * exit code, every connector error code is named, and every admin root field of the gateway (the admin and mappings
 * subgraphs, the write-back admin fields) is documented. A new admin operation or code without a line fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Kind, parse } from 'graphql';
import type { ObjectTypeDefinitionNode, ObjectTypeExtensionNode } from 'graphql';
import { CONNECTOR_ERROR_CODES } from '../../connectors/contract/index.ts';
import { ERROR_CODES } from '../../lib/product-error.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import { createAdminSubgraph } from '../../subgraphs/admin/index.ts';
import { createMappingsSubgraph } from '../../subgraphs/mappings/index.ts';
import { WRITEBACK_ADMIN_FIELDS } from '../../subgraphs/writeback/index.ts';

const doc = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../docs/admin-api.md'), 'utf8');

/** Root fields (Query and Mutation) of a subgraph's SDL. */
function rootFields(sdl: string): string[] {
  return parse(sdl).definitions
    .filter((d): d is ObjectTypeDefinitionNode | ObjectTypeExtensionNode => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && ['Query', 'Mutation'].includes(d.name.value))
    .flatMap((d) => (d.fields ?? []).map((f) => f.name.value));
}

describe('docs/admin-api.md', () => {
  it('lists every error code with its HTTP status and exit code', () => {
    for (const def of Object.values(ERROR_CODES)) {
      expect(doc, def.code).toMatch(new RegExp(`\\| \`${def.code}\` \\| ${def.httpStatus} \\| ${def.exitCode} \\|`));
    }
    for (const code of Object.keys(CONNECTOR_ERROR_CODES)) expect(doc, code).toContain(`\`${code}\``);
  });

  it('documents every admin root field', () => {
    // Reading the SDL only: no resolver runs, so no database or connector is needed.
    const admin = createAdminSubgraph({ db: undefined as never, getConfig: () => DEFAULT_MAPPING_CONFIG, connectors: new Map(), connectorIds: new Map() });
    const mappings = createMappingsSubgraph({ current: async () => ({ version: 1, document: {} }), versions: async () => [], apply: async () => 1, customFunctions: () => [] });
    const fields = [...rootFields(admin.typeDefs()), ...rootFields(mappings.typeDefs()), ...WRITEBACK_ADMIN_FIELDS.map((f) => f.split('.')[1]!)];
    expect(fields.length).toBeGreaterThan(25);
    const missing = fields.filter((f) => !new RegExp(`\`${f}[(\`]`).test(doc));
    expect(missing).toEqual([]);
  });
});
