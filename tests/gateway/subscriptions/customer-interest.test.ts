/** What a subscription fires on, and when two subscriptions share one resolution (the normal form of the query). */
import { parse } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { newGoldenId } from '../../../db/golden-ids.ts';
import { CUSTOMER_ID_VARIABLE, readCustomerInterest } from '../../../gateway/subscriptions/customer-interest.ts';
import type { CustomerInterest } from '../../../gateway/subscriptions/customer-interest.ts';
import { graphqlRuntime } from '../../../gateway/subscriptions/graphql-runtime.ts';
import { buildSubscriptionSchema } from '../../../gateway/subscriptions/subscription-schema.ts';

const apiSchema = graphqlRuntime.buildSchema(`
  type Query { customer(id: ID!): Customer }
  interface Named { name: String }
  type Customer implements Named { id: ID! name: String phone: String email: String title: String
    provenance(fields: [String!]): [String!]! conflicts: [String!]! friends: [Named!]! }
`);
const schema = buildSubscriptionSchema(apiSchema);

/** Runs the operation's subscribe phase for real and captures the interest read from its resolve info. */
async function interestOf(query: string, variableValues: Record<string, unknown> = {}): Promise<CustomerInterest> {
  let interest: CustomerInterest | undefined;
  const result = await graphqlRuntime.createSourceEventStream({
    schema,
    document: graphqlRuntime.parse(query),
    variableValues,
    subscribeFieldResolver: (_root: unknown, args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
      interest = readCustomerInterest(args as never, info);
      return (async function* () {})();
    },
  });
  if (!interest) throw new Error(JSON.stringify((result as { errors?: unknown }).errors));
  return interest;
}

describe('readCustomerInterest', () => {
  it('fires on the `fields` argument when given, else on the fields selected under customer', async () => {
    expect([...(await interestOf('subscription { customerChanged(fields: ["title"]) { customer { phone } } }')).fields!]).toEqual(['title']);
    const selected = await interestOf('subscription { customerChanged { customer { id p: phone ... on Customer { email } ...F } } } fragment F on Customer { name }');
    expect([...selected.fields!].sort()).toEqual(['email', 'name', 'phone']);
  });

  it('refuses `fields` naming no Customer field, with the nearest name, and accepts every real one', async () => {
    const refused = async (query: string) => {
      try {
        await interestOf(query);
      } catch (err) {
        return err as Error;
      }
      throw new Error('accepted');
    };
    const typo = await refused('subscription { customerChanged(fields: ["phnoe"]) { customerId } }');
    expect(typo.message).toContain("'phnoe' (did you mean 'phone'?)");
    expect(typo.message).toContain('BAD_USER_INPUT');
    const far = await refused('subscription { customerChanged(fields: ["email", "shoeSize"]) { customerId } }');
    expect(far.message).toContain("names no golden Customer field 'shoeSize'.");
    // provenance and conflicts summarise every field: they are never a changed field of their own.
    expect((await refused('subscription { customerChanged(fields: ["provenance"]) { customerId } }')).message).toContain("'provenance'");
    expect((await refused('subscription { customerChanged(fields: ["EMAIL"]) { customerId } }')).message).toContain("(did you mean 'email'?)");
    expect([...(await interestOf('subscription { customerChanged(fields: ["name", "friends"]) { customerId } }')).fields!]).toEqual(['name', 'friends']);
  });

  it('reads provenance(fields:) as those fields, and provenance/conflicts without it as any change', async () => {
    const narrowed = await interestOf('subscription($f: [String!]) { customerChanged { customer { provenance(fields: $f) } } }', { f: ['email'] });
    expect([...narrowed.fields!]).toEqual(['email']);
    expect((await interestOf('subscription { customerChanged { customer { conflicts } } }')).fields).toBeNull();
    expect((await interestOf('subscription { customerChanged { customer { provenance } } }')).fields).toBeNull();
  });

  it('treats a selection of only id (or no customer at all) as any change, and skips @skip-ped fields', async () => {
    expect((await interestOf('subscription { customerChanged { customer { id __typename } } }')).fields).toBeNull();
    const none = await interestOf('subscription { customerChanged { customerId } }');
    expect(none.fields).toBeNull();
    expect(none.resolution).toBeNull();
    const skipped = await interestOf('subscription($no: Boolean!) { customerChanged { customer { phone email @skip(if: $no) } } }', { no: true });
    expect([...skipped.fields!]).toEqual(['phone']);
  });

  it('gives equal selections one key, whatever their layout and field order, and different variables different keys', async () => {
    const a = await interestOf('subscription { customerChanged { customer { phone   email } } }');
    const b = await interestOf('subscription Other { customerChanged(fields: ["title"]) { changedFields customer { email phone } } }');
    expect(a.resolution!.key).toBe(b.resolution!.key);
    const q = 'subscription($f: [String!]) { customerChanged { customer { provenance(fields: $f) } } }';
    const c = await interestOf(q, { f: ['phone'] });
    const d = await interestOf(q, { f: ['email'] });
    expect(c.resolution!.key).not.toBe(d.resolution!.key);
    expect(c.resolution!.variables).toEqual({ f: ['phone'] });
  });

  it('builds a gateway query that keeps aliases, fragments and __typename for abstract types, and validates', async () => {
    const interest = await interestOf('subscription { customerChanged { who: customer { id ...F friends { name } } } } fragment F on Customer { phone }');
    const { query } = interest.resolution!;
    expect(query).toContain(`who: customer(id: $${CUSTOMER_ID_VARIABLE})`);
    expect(query).toContain('fragment F on Customer');
    expect(query).toMatch(/friends \{\s+__typename\s+name\s+\}/);
    expect(graphqlRuntime.validate(apiSchema, graphqlRuntime.parse(query))).toEqual([]);
    expect(parse(query).definitions).toHaveLength(2);
  });

  it('checks ids and refuses an empty field list', async () => {
    const id = newGoldenId('Customer');
    expect([...(await interestOf(`subscription { customerChanged(ids: ["${id}"]) { customerId } }`)).ids!]).toEqual([id]);
    await expect(interestOf('subscription { customerChanged(ids: ["com_01J9Z3K7Q4W8X2M5N6P7R8S9T0"]) { customerId } }')).rejects.toThrow(/Company id/);
    await expect(interestOf('subscription { customerChanged(fields: []) { customerId } }')).rejects.toThrow(/at least one/);
  });

  it('refuses an API schema without Customer', () => {
    expect(() => buildSubscriptionSchema(graphqlRuntime.buildSchema('type Query { a: Int }'))).toThrow(/no Customer/);
  });
});
