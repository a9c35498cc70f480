/**
 * `mappingProblems`: native fields the mapping reads that their CRM subgraph does not serve — a field renamed or
 * deleted in the CRM (seen by the metadata refresh), a typo in a saved mapping, or a CRM whose metadata could not be
 * read — or a whole CRM object its subgraph does not serve (`field` empty; every golden field reading it). The golden
 * field then reads nothing from that source (the graph still composes and answers), so this is what tells an
 * integration admin that an integration silently lost a source, and which field to re-map.
 */
export interface MappingProblemSource {
  /** The problems of the golden schema in force (subgraphs/golden: `problems()`). */
  mappingProblems(): { goldenType: string; crm: string; objectType: string; field: string; reason: string }[];
}

export const MAPPING_PROBLEMS_TYPE_DEFS = `
"A native field the mapping reads that its CRM subgraph does not serve: the golden field reads nothing from it."
type MappingProblem {
  goldenType: String!
  crm: String!
  objectType: String!
  "The native field (or path) the mapping names; empty when the CRM object itself is not served (a mistyped or deleted object)."
  field: String!
  reason: String!
  "The golden fields that read it."
  goldenFields: [String!]!
}
`;

export const MAPPING_PROBLEMS_QUERY_FIELDS = `
  "Native fields the mapping reads that their CRMs no longer serve (renamed or deleted there, or mistyped in the mapping)."
  mappingProblems: [MappingProblem!]!`;

export function mappingProblemsResolvers(deps: Partial<MappingProblemSource> & { getConfig(): { types: Record<string, { fields: Record<string, { mappings: { crm: string; objectType: string; from: string[] }[] }> }> } }) {
  return {
    Query: {
      mappingProblems: () => {
        const config = deps.getConfig();
        return (deps.mappingProblems?.() ?? []).map((p) => ({
          ...p,
          goldenFields: Object.entries(config.types[p.goldenType]?.fields ?? {})
            .filter(([, f]) => f.mappings.some((m) => m.crm === p.crm && m.objectType === p.objectType && (p.field === '' || m.from.some((path) => path === p.field || path.startsWith(`${p.field}.`) || p.field.startsWith(`${path}.`)))))
            .map(([name]) => name),
        }));
      },
    },
  };
}
