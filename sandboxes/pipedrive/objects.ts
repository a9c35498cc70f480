/**
 * The three record objects the sandbox serves, and how each is named on the wire: the v2 path segment
 * (`persons`), the v1 singular used by `/v1/recents` (`person`), the v1 fields path (`personFields`) and the
 * not-found message (`Person not found`).
 */
export const OBJECT_NAMES = ['persons', 'organizations', 'deals'] as const;
export type ObjectName = (typeof OBJECT_NAMES)[number];

export interface ObjectInfo {
  singular: 'person' | 'organization' | 'deal';
  fieldsPath: 'personFields' | 'organizationFields' | 'dealFields';
  label: string;
  /** The field every create needs and an update may not blank (`name`, or `title` for deals). */
  titleField: 'name' | 'title';
  /** Standard fields a search may look in (besides `custom_fields`). */
  searchFields: string[];
}

export const OBJECTS: Record<ObjectName, ObjectInfo> = {
  persons: { singular: 'person', fieldsPath: 'personFields', label: 'Person', titleField: 'name', searchFields: ['name', 'email', 'phone'] },
  organizations: { singular: 'organization', fieldsPath: 'organizationFields', label: 'Organization', titleField: 'name', searchFields: ['name'] },
  deals: { singular: 'deal', fieldsPath: 'dealFields', label: 'Deal', titleField: 'title', searchFields: ['title'] },
};

export function objectName(raw: string | undefined): ObjectName | undefined {
  return (OBJECT_NAMES as readonly string[]).includes(raw ?? '') ? (raw as ObjectName) : undefined;
}

export function objectBySingular(singular: string): ObjectName | undefined {
  return OBJECT_NAMES.find((o) => OBJECTS[o].singular === singular);
}

export function objectByFieldsPath(path: string): ObjectName | undefined {
  return OBJECT_NAMES.find((o) => OBJECTS[o].fieldsPath === path);
}
