import type { GraphQLResolveInfo } from 'graphql';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
};

/** A golden company (organisation), linked to CRM accounts and companies. */
export type Company = {
  __typename?: 'Company';
  id: Scalars['ID']['output'];
  /**
   * Internal (hidden from the API): the field clocks of the linked records as JSON, by "crm|objectType|recordId" —
   * when change capture first saw each native field's current value. The golden subgraph requires it so that
   * last-write-wins is field-level for CRMs that only report a record modification time.
   */
  sourceFieldClocks?: Maybe<Scalars['String']['output']>;
  /** Every native CRM record linked to this company. */
  sources: Array<SourceRef>;
};

export type CompanyConnection = {
  __typename?: 'CompanyConnection';
  edges: Array<CompanyEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type CompanyEdge = {
  __typename?: 'CompanyEdge';
  cursor: Scalars['String']['output'];
  node: Company;
};

export type CompanyFilter = {
  crm?: InputMaybe<Scalars['String']['input']>;
  /** The golden domain, exactly (acme.com). */
  domain?: InputMaybe<Scalars['String']['input']>;
  /** Text contained in the company name. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/**
 * A golden customer: one person, whatever number of CRM records describe them. Its id is stable; an id merged
 * into another customer keeps resolving, to the surviving customer.
 */
export type Customer = {
  __typename?: 'Customer';
  id: Scalars['ID']['output'];
  /**
   * Internal (hidden from the API): the field clocks of the linked records as JSON, by "crm|objectType|recordId" —
   * when change capture first saw each native field's current value. The golden subgraph requires it so that
   * last-write-wins is field-level for CRMs that only report a record modification time.
   */
  sourceFieldClocks?: Maybe<Scalars['String']['output']>;
  /** Every native CRM record linked to this customer. */
  sources: Array<SourceRef>;
};

/**
 * One change of one golden customer: a merged (golden) value changed. The same type is delivered live by
 * `Subscription.customerChanged` and read back, in order, from the change log by `Query.customerChanges`.
 */
export type CustomerChange = {
  __typename?: 'CustomerChange';
  /** When the change was detected (ISO 8601). */
  at: Scalars['String']['output'];
  /** Golden fields whose merged value changed; ["*"] when the producer sent too many to list (any field). */
  changedFields: Array<Scalars['String']['output']>;
  /**
   * Opaque position of this change in the change feed. Keep the last one you processed: `customerChanged(after:)`
   * or `customerChanges(after:)` with it delivers exactly the changes made since, in order, none twice. Cursors
   * stay valid for the change log's retention (a week by default); an older one answers CURSOR_EXPIRED.
   */
  cursor?: Maybe<Scalars['String']['output']>;
  /** The customer now (a merged-away id: the surviving customer), with the selection given; null when it no longer exists. */
  customer?: Maybe<Customer>;
  customerId: Scalars['ID']['output'];
  /**
   * The customer's snapshot version after the change: it grows by one each time the customer's merged values
   * change, so a subscriber can drop an event older than the state it holds. Null for a deletion or a merge.
   */
  version?: Maybe<Scalars['Int']['output']>;
};

export type CustomerChangeConnection = {
  __typename?: 'CustomerChangeConnection';
  /** Changes after the cursor given, oldest first. */
  edges: Array<CustomerChangeEdge>;
  /**
   * The position of the newest change logged so far: a fresh cursor. To start following changes (or to resync after
   * CURSOR_EXPIRED), take it first, then read the customers you hold, then continue from it.
   */
  headCursor: Scalars['String']['output'];
  /**
   * `endCursor`: the cursor to pass as `after` for the next page (the last change of this page; `after` itself when
   * the page is empty). `hasNextPage`: more changes are logged after this page.
   */
  pageInfo: PageInfo;
};

export type CustomerChangeEdge = {
  __typename?: 'CustomerChangeEdge';
  cursor: Scalars['String']['output'];
  node: CustomerChange;
};

export type CustomerConnection = {
  __typename?: 'CustomerConnection';
  edges: Array<CustomerEdge>;
  pageInfo: PageInfo;
  /** Customers matching the filter, all pages together. */
  totalCount: Scalars['Int']['output'];
};

export type CustomerEdge = {
  __typename?: 'CustomerEdge';
  cursor: Scalars['String']['output'];
  node: Customer;
};

/** Every given condition must hold. Text matching ignores case; values are matched on the merged (golden) record. */
export type CustomerFilter = {
  /** Text contained in the company name. */
  company?: InputMaybe<Scalars['String']['input']>;
  /** Whose `company` is this golden company, as sync last decided it (the stored snapshot; a merged-away id matches nothing). */
  companyId?: InputMaybe<Scalars['ID']['input']>;
  /** Linked to at least one record of this CRM (a connector CRM id such as salesforce). */
  crm?: InputMaybe<Scalars['String']['input']>;
  /** The golden email, exactly (case and surrounding spaces ignored). */
  email?: InputMaybe<Scalars['String']['input']>;
  /** Text contained in first name + last name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The golden phone: the same number in any common form (+1 415 555 0100, (415) 555-0100; a number without a country code is read in the configuration's defaultRegion). */
  phone?: InputMaybe<Scalars['String']['input']>;
};

/** A golden deal (sales opportunity), linked to CRM opportunities and deals. */
export type Deal = {
  __typename?: 'Deal';
  id: Scalars['ID']['output'];
  /**
   * Internal (hidden from the API): the field clocks of the linked records as JSON, by "crm|objectType|recordId" —
   * when change capture first saw each native field's current value. The golden subgraph requires it so that
   * last-write-wins is field-level for CRMs that only report a record modification time.
   */
  sourceFieldClocks?: Maybe<Scalars['String']['output']>;
  /** Every native CRM record linked to this deal. */
  sources: Array<SourceRef>;
};

export type DealConnection = {
  __typename?: 'DealConnection';
  edges: Array<DealEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type DealEdge = {
  __typename?: 'DealEdge';
  cursor: Scalars['String']['output'];
  node: Deal;
};

export type DealFilter = {
  /** Text contained in the deal's company name. */
  company?: InputMaybe<Scalars['String']['input']>;
  /** Whose `company` is this golden company, as sync last decided it. */
  companyId?: InputMaybe<Scalars['ID']['input']>;
  /** Whose `contact` is this golden customer, as sync last decided it. */
  contactId?: InputMaybe<Scalars['ID']['input']>;
  crm?: InputMaybe<Scalars['String']['input']>;
  /** Text contained in the deal name. */
  name?: InputMaybe<Scalars['String']['input']>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  companies: CompanyConnection;
  /** A company by id; null when there is none. */
  company?: Maybe<Company>;
  /** A customer by id (a merged-away id answers the surviving customer); null when there is none. */
  customer?: Maybe<Customer>;
  /**
   * The customer change feed, for consumers that poll or resync in pages: the logged changes after `after` (from
   * the oldest kept when absent), oldest first, `first` at most 500, only of `ids` when given (a merged-away id
   * counts as its survivor). A malformed cursor: BAD_USER_INPUT; one older than the log keeps: CURSOR_EXPIRED.
   */
  customerChanges: CustomerChangeConnection;
  /** Customers in a stable order (oldest first), paged with `first` (at most 500) and `after` (an endCursor). */
  customers: CustomerConnection;
  /** A deal by id; null when there is none. */
  deal?: Maybe<Deal>;
  deals: DealConnection;
};


export type QueryCompaniesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<CompanyFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryCompanyArgs = {
  id: Scalars['ID']['input'];
};


export type QueryCustomerArgs = {
  id: Scalars['ID']['input'];
};


export type QueryCustomerChangesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
};


export type QueryCustomersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<CustomerFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryDealArgs = {
  id: Scalars['ID']['input'];
};


export type QueryDealsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<DealFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A pointer to one native record in one CRM. */
export type SourceRef = {
  __typename?: 'SourceRef';
  /** Connector CRM id: salesforce, hubspot, … */
  crm: Scalars['String']['output'];
  /** Native object name: Contact, contacts, Account, companies, … */
  objectType: Scalars['String']['output'];
  /** The CRM's own record id. */
  recordId: Scalars['String']['output'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Company: Company;
  Customer: Customer;
  Deal: Deal;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Company:
    ( { __typename: 'Company' }
    & GraphQLRecursivePick<FederationTypes['Company'], {"id":true}> );
  Customer:
    ( { __typename: 'Customer' }
    & GraphQLRecursivePick<FederationTypes['Customer'], {"id":true}> );
  Deal:
    ( { __typename: 'Deal' }
    & GraphQLRecursivePick<FederationTypes['Deal'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Company: ResolverTypeWrapper<Partial<Company>>;
  ID: ResolverTypeWrapper<Partial<Scalars['ID']['output']>>;
  CompanyConnection: ResolverTypeWrapper<Partial<CompanyConnection>>;
  Int: ResolverTypeWrapper<Partial<Scalars['Int']['output']>>;
  CompanyEdge: ResolverTypeWrapper<Partial<CompanyEdge>>;
  CompanyFilter: ResolverTypeWrapper<Partial<CompanyFilter>>;
  Customer: ResolverTypeWrapper<Partial<Customer>>;
  CustomerChange: ResolverTypeWrapper<Partial<CustomerChange>>;
  CustomerChangeConnection: ResolverTypeWrapper<Partial<CustomerChangeConnection>>;
  CustomerChangeEdge: ResolverTypeWrapper<Partial<CustomerChangeEdge>>;
  CustomerConnection: ResolverTypeWrapper<Partial<CustomerConnection>>;
  CustomerEdge: ResolverTypeWrapper<Partial<CustomerEdge>>;
  CustomerFilter: ResolverTypeWrapper<Partial<CustomerFilter>>;
  Deal: ResolverTypeWrapper<Partial<Deal>>;
  DealConnection: ResolverTypeWrapper<Partial<DealConnection>>;
  DealEdge: ResolverTypeWrapper<Partial<DealEdge>>;
  DealFilter: ResolverTypeWrapper<Partial<DealFilter>>;
  PageInfo: ResolverTypeWrapper<Partial<PageInfo>>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SourceRef: ResolverTypeWrapper<Partial<SourceRef>>;
  String: ResolverTypeWrapper<Partial<Scalars['String']['output']>>;
  Boolean: ResolverTypeWrapper<Partial<Scalars['Boolean']['output']>>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Company: Partial<Company | FederationReferenceTypes['Company']>;
  ID: Partial<Scalars['ID']['output']>;
  CompanyConnection: Partial<CompanyConnection>;
  Int: Partial<Scalars['Int']['output']>;
  CompanyEdge: Partial<CompanyEdge>;
  CompanyFilter: Partial<CompanyFilter>;
  Customer: Partial<Customer | FederationReferenceTypes['Customer']>;
  CustomerChange: Partial<CustomerChange>;
  CustomerChangeConnection: Partial<CustomerChangeConnection>;
  CustomerChangeEdge: Partial<CustomerChangeEdge>;
  CustomerConnection: Partial<CustomerConnection>;
  CustomerEdge: Partial<CustomerEdge>;
  CustomerFilter: Partial<CustomerFilter>;
  Deal: Partial<Deal | FederationReferenceTypes['Deal']>;
  DealConnection: Partial<DealConnection>;
  DealEdge: Partial<DealEdge>;
  DealFilter: Partial<DealFilter>;
  PageInfo: Partial<PageInfo>;
  Query: Record<PropertyKey, never>;
  SourceRef: Partial<SourceRef>;
  String: Partial<Scalars['String']['output']>;
  Boolean: Partial<Scalars['Boolean']['output']>;
}>;

export type LinkDirectiveArgs = {
  import?: Maybe<Array<Maybe<Scalars['String']['input']>>>;
  url: Scalars['String']['input'];
};

export type LinkDirectiveResolver<Result, Parent, ContextType = unknown, Args = LinkDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ShareableDirectiveArgs = { };

export type ShareableDirectiveResolver<Result, Parent, ContextType = unknown, Args = ShareableDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CompanyResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['Company'] = ResolversParentTypes['Company'], FederationReferenceType extends FederationReferenceTypes['Company'] = FederationReferenceTypes['Company']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Company']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sourceFieldClocks?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sources?: Resolver<Array<ResolversTypes['SourceRef']>, ParentType, ContextType>;
}>;

export type CompanyConnectionResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['CompanyConnection'] = ResolversParentTypes['CompanyConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['CompanyEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type CompanyEdgeResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['CompanyEdge'] = ResolversParentTypes['CompanyEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Company'], ParentType, ContextType>;
}>;

export type CustomerResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['Customer'] = ResolversParentTypes['Customer'], FederationReferenceType extends FederationReferenceTypes['Customer'] = FederationReferenceTypes['Customer']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Customer']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sourceFieldClocks?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sources?: Resolver<Array<ResolversTypes['SourceRef']>, ParentType, ContextType>;
}>;

export type CustomerChangeResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['CustomerChange'] = ResolversParentTypes['CustomerChange']> = ResolversObject<{
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  changedFields?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  customer?: Resolver<Maybe<ResolversTypes['Customer']>, ParentType, ContextType>;
  customerId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  version?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
}>;

export type CustomerChangeConnectionResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['CustomerChangeConnection'] = ResolversParentTypes['CustomerChangeConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['CustomerChangeEdge']>, ParentType, ContextType>;
  headCursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type CustomerChangeEdgeResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['CustomerChangeEdge'] = ResolversParentTypes['CustomerChangeEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['CustomerChange'], ParentType, ContextType>;
}>;

export type CustomerConnectionResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['CustomerConnection'] = ResolversParentTypes['CustomerConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['CustomerEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type CustomerEdgeResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['CustomerEdge'] = ResolversParentTypes['CustomerEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Customer'], ParentType, ContextType>;
}>;

export type DealResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['Deal'] = ResolversParentTypes['Deal'], FederationReferenceType extends FederationReferenceTypes['Deal'] = FederationReferenceTypes['Deal']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Deal']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sourceFieldClocks?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sources?: Resolver<Array<ResolversTypes['SourceRef']>, ParentType, ContextType>;
}>;

export type DealConnectionResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['DealConnection'] = ResolversParentTypes['DealConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['DealEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type DealEdgeResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['DealEdge'] = ResolversParentTypes['DealEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Deal'], ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  companies?: Resolver<ResolversTypes['CompanyConnection'], ParentType, ContextType, RequireFields<QueryCompaniesArgs, 'first'>>;
  company?: Resolver<Maybe<ResolversTypes['Company']>, ParentType, ContextType, RequireFields<QueryCompanyArgs, 'id'>>;
  customer?: Resolver<Maybe<ResolversTypes['Customer']>, ParentType, ContextType, RequireFields<QueryCustomerArgs, 'id'>>;
  customerChanges?: Resolver<ResolversTypes['CustomerChangeConnection'], ParentType, ContextType, RequireFields<QueryCustomerChangesArgs, 'first'>>;
  customers?: Resolver<ResolversTypes['CustomerConnection'], ParentType, ContextType, RequireFields<QueryCustomersArgs, 'first'>>;
  deal?: Resolver<Maybe<ResolversTypes['Deal']>, ParentType, ContextType, RequireFields<QueryDealArgs, 'id'>>;
  deals?: Resolver<ResolversTypes['DealConnection'], ParentType, ContextType, RequireFields<QueryDealsArgs, 'first'>>;
}>;

export type SourceRefResolvers<ContextType = unknown, ParentType extends ResolversParentTypes['SourceRef'] = ResolversParentTypes['SourceRef']> = ResolversObject<{
  crm?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  objectType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  recordId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = unknown> = ResolversObject<{
  Company?: CompanyResolvers<ContextType>;
  CompanyConnection?: CompanyConnectionResolvers<ContextType>;
  CompanyEdge?: CompanyEdgeResolvers<ContextType>;
  Customer?: CustomerResolvers<ContextType>;
  CustomerChange?: CustomerChangeResolvers<ContextType>;
  CustomerChangeConnection?: CustomerChangeConnectionResolvers<ContextType>;
  CustomerChangeEdge?: CustomerChangeEdgeResolvers<ContextType>;
  CustomerConnection?: CustomerConnectionResolvers<ContextType>;
  CustomerEdge?: CustomerEdgeResolvers<ContextType>;
  Deal?: DealResolvers<ContextType>;
  DealConnection?: DealConnectionResolvers<ContextType>;
  DealEdge?: DealEdgeResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SourceRef?: SourceRefResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = unknown> = ResolversObject<{
  link?: LinkDirectiveResolver<any, any, ContextType>;
  shareable?: ShareableDirectiveResolver<any, any, ContextType>;
}>;
