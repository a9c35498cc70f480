/**
 * The shape of a mapping configuration, as zod schemas. Structural checks live here; checks that need the
 * converter, strategy and function tables (unknown names, bijections) live in validate-mapping-config.ts.
 *
 * config
 *   defaultRegion, clockSkewToleranceMs, sourcePriority, defaultRule
 *   types.<GoldenType>
 *     objects[]        { crm, objectType, idField, modifiedAtFields[] }   which native objects feed the type
 *     defaultRule?, sourcePriority?, countryField?
 *     fields.<goldenField> { type, rule?, keepEmpty?, compareAs?, quality[], convergence, mappings[] }
 *        mappings[]    { crm, objectType, from[], converter { name, options }, writable }
 *     relations.<name>     { target, inverse?, description?, rule?, mappings[] }   a golden record this one points to
 *        mappings[]    { crm, objectType, from, targetObjectType }        a native reference field (AccountId)
 */
import { z } from 'zod';
import { GOLDEN_SCALARS } from '../model.ts';

const graphqlName = z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*$/, 'must be a GraphQL name (letters, digits, _)');
const nonEmpty = z.string().trim().min(1, 'must not be empty');
/** A native field, or a dotted path through a relationship such as Salesforce `Account.Name`. */
// Native names may start with a digit: Pipedrive's custom fields are 40 hex characters (the native subgraphs give them a
// GraphQL-safe alias).
const nativeFieldPath = z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'must be a native field name or a dotted path such as Account.Name');

export const ruleSchema = z.object({
  /** A name from the survivorship strategy table, e.g. 'last-write-wins'. */
  strategy: nonEmpty,
  /** For strategy 'custom': a function registered with registerSurvivorshipFunction. */
  function: nonEmpty.optional(),
  /** CRM ids, most trusted first; overrides the type's and the configuration's ordering for this rule. */
  sourcePriority: z.array(nonEmpty).optional(),
  clockSkewToleranceMs: z.number().int().min(0).optional(),
}).strict();

export const converterRefSchema = z.object({
  name: nonEmpty,
  options: z.record(z.string(), z.unknown()).default({}),
}).strict();

export const fieldMappingSchema = z.object({
  crm: nonEmpty,
  objectType: nonEmpty,
  /** One native field, or several for converters such as concat. */
  from: z.union([nativeFieldPath.transform((f) => [f]), z.array(nativeFieldPath).min(1, 'must name at least one native field')]),
  converter: converterRefSchema.default({ name: 'identity', options: {} }),
  /** Whether write-back may push the golden value to this native field. */
  writable: z.boolean().default(true),
}).strict();

/**
 * Convergence: what change capture does when a linked record holds a value that lost to the golden winner.
 * 'on' queues the winner for write-back to that record; 'plan' only shows it in `writeBackPlan` (the default, so
 * nothing is written to a CRM until someone chooses to); 'off' neither plans nor writes it. Explicit golden
 * mutations do not depend on it: they follow each mapping's `writable`.
 */
export const CONVERGENCE_MODES = ['off', 'plan', 'on'] as const;
export const DEFAULT_CONVERGENCE_MODE = 'plan';
export const convergenceModeSchema = z.enum(CONVERGENCE_MODES, { message: `must be one of ${CONVERGENCE_MODES.join(', ')}` });

export const goldenFieldSchema = z.object({
  type: z.enum(GOLDEN_SCALARS),
  description: z.string().optional(),
  /**
   * Marks the field deprecated in the API (`@deprecated(reason)`): clients and their tools see it is going, while it
   * still answers. Removing a field is a breaking change the gateway refuses unless the save accepts it.
   */
  deprecated: z.string().trim().min(1, 'must give the reason (what to use instead)').max(500).optional(),
  rule: ruleSchema.optional(),
  /** By default null, '' and whitespace never win; set true when an emptied field should empty the golden value. */
  keepEmpty: z.boolean().default(false),
  /** How values are normalised before they are compared (conflicts, most-frequent). Defaults from the type. */
  compareAs: z.enum(['exact', 'text', 'email', 'phone']).optional(),
  /** Data-quality rules (specified-quality-rules.ts) run on every converted value: normalise and flag. */
  quality: z.array(nonEmpty).default([]),
  /** Stored configurations without it keep working: a missing key means DEFAULT_CONVERGENCE_MODE. */
  convergence: convergenceModeSchema.default(DEFAULT_CONVERGENCE_MODE),
  mappings: z.array(fieldMappingSchema),
}).strict();

export const nativeObjectSchema = z.object({
  crm: nonEmpty,
  objectType: nonEmpty,
  idField: nativeFieldPath.default('Id'),
  /** Tried in order; the first present value is the record's modification time (e.g. SystemModstamp first). */
  modifiedAtFields: z.array(nativeFieldPath).min(1, 'must name the modification-time field'),
}).strict();

/**
 * One native reference field feeding a relation: `from` holds the id of a record of `targetObjectType` in the same
 * CRM (Salesforce Contact.AccountId → Account, HubSpot contacts.associatedcompanyid → companies).
 */
export const relationMappingSchema = z.object({
  crm: nonEmpty,
  objectType: nonEmpty,
  from: nativeFieldPath,
  targetObjectType: nonEmpty,
}).strict();

/**
 * A relation between golden records (Customer.company → Company): each linked native record's reference is turned
 * into the golden record its target is linked to, and the rule picks one, as for a field. Read-only: the CRMs keep
 * their own references, nothing is written back.
 */
export const goldenRelationSchema = z.object({
  /** The golden type pointed to (Company, Customer, Deal). */
  target: graphqlName,
  /**
   * The list field the target type gets the other way round (`customers` on Company for Customer.company): every
   * record of this type a linked CRM record of which points to the target. Absent: no such list.
   */
  inverse: graphqlName.optional(),
  description: z.string().optional(),
  rule: ruleSchema.optional(),
  mappings: z.array(relationMappingSchema),
}).strict();

export const goldenTypeSchema = z.object({
  description: z.string().optional(),
  objects: z.array(nativeObjectSchema),
  defaultRule: ruleSchema.optional(),
  sourcePriority: z.array(nonEmpty).optional(),
  /**
   * The golden field holding a record's country (Customer.mailingCountry): phone numbers a record holds without a
   * country code are read in that record's country, and only without one in `defaultRegion`. Absent: always the default.
   */
  countryField: graphqlName.optional(),
  fields: z.record(graphqlName, goldenFieldSchema),
  /** Stored configurations without it keep working: no relations. */
  relations: z.record(graphqlName, goldenRelationSchema).default({}),
}).strict();

export const mappingConfigSchema = z.object({
  version: z.number().int().min(1).default(1),
  /** ISO 3166 alpha-2 region for phone numbers typed without a country code. */
  defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as US').default('US'),
  /** Writes this close to the newest are treated as simultaneous (CRM clocks and sync delays differ). */
  clockSkewToleranceMs: z.number().int().min(0).default(1000),
  sourcePriority: z.array(nonEmpty).default([]),
  defaultRule: ruleSchema.default({ strategy: 'last-write-wins' }),
  types: z.record(graphqlName, goldenTypeSchema),
}).strict();

export type RuleConfig = z.output<typeof ruleSchema>;
export type ConvergenceMode = z.output<typeof convergenceModeSchema>;
export type FieldMapping = z.output<typeof fieldMappingSchema>;
export type GoldenFieldConfig = z.output<typeof goldenFieldSchema>;
export type RelationMapping = z.output<typeof relationMappingSchema>;
export type GoldenRelationConfig = z.output<typeof goldenRelationSchema>;
export type NativeObjectConfig = z.output<typeof nativeObjectSchema>;
export type GoldenTypeConfig = z.output<typeof goldenTypeSchema>;
/** A validated configuration (defaults filled in). Obtain one from validateMappingConfig. */
export type MappingConfig = z.output<typeof mappingConfigSchema>;
/** What a user writes or stores: optional parts may be left out. */
export type MappingConfigInput = z.input<typeof mappingConfigSchema>;
