/**
 * `mappingSuggestions`: which native field of a CRM object should fill which golden field, for the admin UI's visual
 * mapper. The CRM's metadata comes live from its connector (describe, cached by the connector); the scoring is
 * resolver-engine's (`suggestForObject`: names, labels, synonyms such as Company ↔ Account, type fit). Each candidate
 * carries the exact mapping entry to add, so the UI accepts a suggestion by adding it to the document and saving a
 * new version through `saveMappingConfiguration` — validated and dry-run like any other save.
 */
import { GraphQLError } from 'graphql';
import { asConnectorError } from '../../connectors/contract/index.ts';
import type { Connector, FieldDescription } from '../../connectors/contract/index.ts';
import { newGoldenFieldOf, suggestForObject } from '../../resolver-engine/index.ts';
import type { FieldCandidate, MappingConfig } from '../../resolver-engine/index.ts';

export interface MappingSuggestionsDeps {
  getConfig(): MappingConfig;
  /** The live connectors of this process by CRM id. */
  connectors: ReadonlyMap<string, Connector>;
}

export const MAPPING_SUGGESTIONS_TYPE_DEFS = `
"A native field that could fill a golden field, with why."
type MappingCandidate {
  nativeField: String!
  nativeLabel: String
  "The CRM's own type of the field."
  nativeType: String
  "0–1: name, label and synonym likeness, reduced when the types do not fit."
  score: Float!
  "The converter the mapping would use (identity, phone, picklist…)."
  converter: String!
  reasons: [String!]!
  "The entry to add to the golden field's mappings (JSON text: crm, objectType, from, converter with options, writable)."
  mapping: String!
}

type GoldenFieldMappingSuggestions {
  field: String!
  "The golden scalar type (String, Int, Float, Boolean, Date, DateTime)."
  type: String!
  "Native fields of the object this golden field reads now; empty when it is not mapped from the object."
  mappedFrom: [String!]!
  "The best candidates, best first (at most 3)."
  candidates: [MappingCandidate!]!
  "For a field not mapped from the object: the candidate chosen one-to-one among the object's unused native fields."
  proposed: MappingCandidate
}

"A native field no mapping reads and no proposal uses."
type UnusedNativeField {
  name: String!
  label: String!
  type: String!
  custom: Boolean!
  "The golden type it would take as a new golden field, from its own type: Boolean for a checkbox, Float for a number, Date, DateTime; else String."
  goldenType: String!
  "The mapping entry a new golden field reading it would have (JSON text: crm, objectType, from, the converter its type needs, writable)."
  mapping: String!
}

type MappingSuggestions {
  type: String!
  crm: String!
  objectType: String!
  fields: [GoldenFieldMappingSuggestions!]!
  unusedNativeFields: [UnusedNativeField!]!
}
`;

export const MAPPING_SUGGESTIONS_QUERY_FIELDS = `
  "Suggested native fields for each golden field of a type, from one CRM object that feeds it (default: the type's object of that CRM). BAD_USER_INPUT for an unknown type or an object not feeding it; CONFLICT when the CRM does not run here; the CRM's code when its metadata cannot be read."
  mappingSuggestions(type: String!, crm: String!, objectType: String): MappingSuggestions!`;

const invalid = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });

function candidateView(c: FieldCandidate, byName: Map<string, FieldDescription>) {
  const native = byName.get(c.nativeField);
  return { ...c, nativeLabel: native?.label ?? null, nativeType: native?.nativeType ?? null, mapping: JSON.stringify(c.mapping) };
}

export function mappingSuggestionsResolvers(deps: MappingSuggestionsDeps) {
  return {
    Query: {
      mappingSuggestions: async (_: unknown, args: { type: string; crm: string; objectType?: string | null }) => {
        const config = deps.getConfig();
        const type = config.types[args.type];
        if (!type) throw invalid(`No golden type is called '${args.type}' (types: ${Object.keys(config.types).join(', ')}).`, 'type');
        const objects = type.objects.filter((o) => o.crm === args.crm);
        const object = args.objectType ? objects.find((o) => o.objectType === args.objectType) : objects[0];
        if (!object) {
          const what = args.objectType ? `${args.crm} object '${args.objectType}'` : `no ${args.crm} object`;
          throw invalid(`${args.objectType ? `The ${what} does not` : `There is ${what} that does`} feed ${args.type} (objects: ${type.objects.map((o) => `${o.crm} ${o.objectType}`).join(', ') || 'none'}): add it to the type's objects in the mapping first.`, args.objectType ? 'objectType' : 'crm');
        }
        const connector = deps.connectors.get(args.crm);
        if (!connector) {
          throw new GraphQLError(`No ${args.crm} connector runs in this process, so its fields cannot be read.`, { extensions: { code: 'CONFLICT', field: 'crm' } });
        }
        let described;
        try {
          [described] = await connector.describeObjects([object.objectType], { lane: 'interactive' });
        } catch (err) {
          const e = asConnectorError(args.crm, err);
          throw new GraphQLError(`Could not read the fields of ${args.crm} ${object.objectType}: ${e.message}`, { extensions: { code: e.code } });
        }
        const fields = described?.fields ?? [];
        const byName = new Map(fields.map((f) => [f.name, f]));
        const natives = fields.map((f) => {
          // The CRM's own type decides the fit; a finer one refines it (HubSpot 'string/phonenumber' is type/fieldType;
          // elsewhere the normalised type plays that part).
          const [type, fieldType] = f.nativeType.split('/');
          return { name: f.name, label: f.label, type: type!, fieldType: fieldType ?? f.type, updateable: f.updateable,
            ...(f.picklistValues ? { picklistValues: f.picklistValues.filter((p) => p.active).map((p) => p.value) } : {}) };
        });
        const nativeByName = new Map(natives.map((n) => [n.name, n]));
        const suggestions = suggestForObject(config, args.type, args.crm, object.objectType, natives);
        return {
          type: args.type,
          crm: args.crm,
          objectType: object.objectType,
          fields: suggestions.fields.map((f) => ({
            ...f,
            candidates: f.candidates.map((c) => candidateView(c, byName)),
            proposed: f.proposed ? candidateView(f.proposed, byName) : null,
          })),
          unusedNativeFields: suggestions.unusedNativeFields.map((name) => {
            const f = byName.get(name)!;
            const added = newGoldenFieldOf(args.crm, object.objectType, nativeByName.get(name)!);
            return { name, label: f.label, type: f.nativeType, custom: f.custom, goldenType: added.type, mapping: JSON.stringify(added.mapping) };
          }),
        };
      },
    },
  };
}
