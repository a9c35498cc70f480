/**
 * Per object: the standard fields a v2 write may set, how each is checked, and the values a new record starts
 * with. Anything else at the top level of a write body is refused with `Unknown field: <name>`.
 */
import type { ObjectName } from './objects.ts';
import * as v from './values.ts';

const SANDBOX_USER_ID = 1;

export const WRITABLE: Record<ObjectName, Record<string, v.Checker>> = {
  persons: {
    name: v.text, first_name: v.text, last_name: v.text, owner_id: v.id(false), org_id: v.id(true),
    emails: v.contactList('email'), phones: v.contactList('phone'), visible_to: v.visibleTo, label_ids: v.labelIds,
  },
  organizations: {
    name: v.text, owner_id: v.id(false), address: v.address, visible_to: v.visibleTo, label_ids: v.labelIds,
  },
  deals: {
    title: v.text, value: v.number(false), currency: v.currency, status: v.oneOf(['open', 'won', 'lost']), stage_id: v.id(false),
    probability: v.number(true), expected_close_date: v.date, person_id: v.id(true), org_id: v.id(true), owner_id: v.id(false),
  },
};

/** Fields a record starts with, in the order the API returns them. */
export function defaults(object: ObjectName): Record<string, unknown> {
  switch (object) {
    case 'persons':
      return { name: null, first_name: null, last_name: null, owner_id: SANDBOX_USER_ID, org_id: null, emails: [], phones: [], visible_to: 3, label_ids: [] };
    case 'organizations':
      return { name: null, owner_id: SANDBOX_USER_ID, address: null, visible_to: 3, label_ids: [] };
    case 'deals':
      return {
        title: null, value: 0, currency: 'USD', status: 'open', stage_id: 1, probability: null, expected_close_date: null,
        person_id: null, org_id: null, owner_id: SANDBOX_USER_ID,
      };
  }
}
