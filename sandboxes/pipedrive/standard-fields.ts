/**
 * The standard fields `GET /v1/{person,organization,deal}Fields` lists, with the v1 keys and field types of the
 * wire contract. Standard fields are not editable through the fields API (`edit_flag: false`).
 */
import type { ObjectName } from './objects.ts';

export interface StandardField {
  key: string;
  name: string;
  field_type: string;
  mandatory?: boolean;
  /** Set by Pipedrive, never by a write (ids, times). */
  readOnly?: boolean;
}

const times: StandardField[] = [
  { key: 'add_time', name: 'Created', field_type: 'datetime', readOnly: true },
  { key: 'update_time', name: 'Update time', field_type: 'datetime', readOnly: true },
];

export const STANDARD_FIELDS: Record<ObjectName, StandardField[]> = {
  persons: [
    { key: 'id', name: 'ID', field_type: 'int', readOnly: true },
    { key: 'name', name: 'Name', field_type: 'varchar', mandatory: true },
    { key: 'first_name', name: 'First name', field_type: 'varchar' },
    { key: 'last_name', name: 'Last name', field_type: 'varchar' },
    { key: 'email', name: 'Email', field_type: 'varchar' },
    { key: 'phone', name: 'Phone', field_type: 'phone' },
    { key: 'org_id', name: 'Organization', field_type: 'org' },
    { key: 'owner_id', name: 'Owner', field_type: 'user' },
    ...times,
    { key: 'label_ids', name: 'Labels', field_type: 'set' },
    { key: 'visible_to', name: 'Visible to', field_type: 'visible_to' },
  ],
  organizations: [
    { key: 'id', name: 'ID', field_type: 'int', readOnly: true },
    { key: 'name', name: 'Name', field_type: 'varchar', mandatory: true },
    { key: 'owner_id', name: 'Owner', field_type: 'user' },
    { key: 'address', name: 'Address', field_type: 'address' },
    ...times,
    { key: 'visible_to', name: 'Visible to', field_type: 'visible_to' },
  ],
  deals: [
    { key: 'id', name: 'ID', field_type: 'int', readOnly: true },
    { key: 'title', name: 'Title', field_type: 'varchar', mandatory: true },
    { key: 'value', name: 'Value', field_type: 'monetary' },
    { key: 'currency', name: 'Currency', field_type: 'varchar' },
    { key: 'status', name: 'Status', field_type: 'status' },
    { key: 'stage_id', name: 'Stage', field_type: 'stage' },
    { key: 'probability', name: 'Probability', field_type: 'double' },
    { key: 'expected_close_date', name: 'Expected close date', field_type: 'date' },
    { key: 'person_id', name: 'Contact person', field_type: 'people' },
    { key: 'org_id', name: 'Organization', field_type: 'org' },
    { key: 'owner_id', name: 'Owner', field_type: 'user' },
    ...times,
  ],
};
