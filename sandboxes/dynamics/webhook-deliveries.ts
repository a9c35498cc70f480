/**
 * Dataverse webhooks: after every create, update or delete of a contact, account or opportunity row, one
 * asynchronous job per matching step (service-endpoints.ts) POSTs the RemoteExecutionContext, serialised to JSON as
 * Dataverse does, to the step's endpoint, with the endpoint's authvalue headers. An Update step with
 * `filteringattributes` fires only when the write named one of them. The job's id is the context's OperationId, so
 * a retry repeats the same body. Delivery is the shared asynchronous, retried delivery
 * (common/webhook-delivery.ts). Jobs wait in a buffer until the request has been answered, so a `$batch` changeset
 * that rolls back can take its jobs back (`mark` / `discardSince`).
 */
import { WebhookDelivery } from '../common/webhook-delivery.ts';
import type { DeliveryConfig, DeliveryJob } from '../common/webhook-delivery.ts';
import { newGuid, ORG } from './ids.ts';
import { parseTime } from './time.ts';
import { isLookup } from './store.ts';
import type { Row, TableState } from './store.ts';
import { WebhookRegistrations } from './service-endpoints.ts';
import type { ProcessingStep, SdkMessageName, ServiceEndpoint } from './service-endpoints.ts';

const CONTRACTS = 'http://schemas.microsoft.com/xrm/2011/Contracts';
const BIND = '@odata.bind';
/** The org's unique name in every context (a real org's is like `org1a2b3c4d`). */
export const ORGANIZATION_NAME = 'sandbox';

/** One row write as the record writer reports it: the request body says which attributes were written. */
export interface RowChange {
  message: SdkMessageName;
  table: TableState;
  /** The row after the write (before it, for a delete). */
  row: Row;
  body: Record<string, unknown>;
}

/** What the record writer tells about every write it stores. */
export interface RowChangeListener {
  rowChanged(change: RowChange): void;
}

/** What each delivery attempt's log entry says the job was about. */
export interface WebhookDeliveryLabel {
  operationId: string;
  stepId: string;
  serviceEndpointId: string;
  url: string;
  messageName: SdkMessageName;
  entityName: string;
  primaryEntityId: string;
}

/** The logical names of the attributes a request body wrote (`x@odata.bind` writes the lookup `x` stands for). */
export function writtenAttributes(table: TableState, body: Record<string, unknown>): string[] {
  const names = new Set<string>();
  for (const key of Object.keys(body)) {
    if (key.endsWith(BIND)) {
      const nav = table.navProperty(key.slice(0, -BIND.length));
      if (nav) names.add(nav.attribute.logicalName);
    } else if (!key.startsWith('@odata.') && table.attribute(key)) {
      names.add(key);
    }
  }
  return [...names];
}

const dateOf = (ms: number) => `/Date(${ms})/`;

const entityReference = (logicalName: string, id: string) =>
  ({ __type: `EntityReference:${CONTRACTS}`, Id: id, KeyAttributes: [], LogicalName: logicalName, Name: null, RowVersion: null });

/** A stored value as the context's data contract serialises it (lookups, choices, money and times as Dataverse types). */
function contractValue(table: TableState, name: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (isLookup(value)) return entityReference(value.target, value.id);
  const type = table.attribute(name)?.type;
  if (type === 'Picklist' || type === 'State' || type === 'Status') return { __type: `OptionSetValue:${CONTRACTS}`, Value: value };
  if (type === 'Money') return { __type: `Money:${CONTRACTS}`, Value: value };
  if (type === 'DateTime') {
    const ms = parseTime(value);
    return ms === undefined ? value : dateOf(ms);
  }
  return value;
}

/** The `Target` input parameter: the written attributes (plus the key) for Create/Update, a reference for Delete. */
function target(change: RowChange): Record<string, unknown> {
  const { table, row, message } = change;
  const logicalName = table.def.logicalName;
  if (message === 'Delete') return entityReference(logicalName, row.id);
  const key = table.def.primaryIdAttribute;
  const names = writtenAttributes(table, change.body).filter((n) => n !== key);
  return {
    __type: `Entity:${CONTRACTS}`,
    Attributes: [...names.map((n) => ({ key: n, value: contractValue(table, n, row.values[n]) })), { key, value: row.id }],
    EntityState: null, FormattedValues: [], Id: row.id, KeyAttributes: [], LogicalName: logicalName,
    RelatedEntities: [], RowVersion: String(row.values.versionnumber),
  };
}

/** What one write shares across the jobs of its steps. */
interface WriteContext {
  requestId: string;
  correlationId: string;
  createdOn: number;
}

function remoteExecutionContext(change: RowChange, write: WriteContext, step: ProcessingStep, operationId: string): Record<string, unknown> {
  const logicalName = change.table.def.logicalName;
  return {
    BusinessUnitId: ORG.businessUnitId, CorrelationId: write.correlationId, Depth: 1, InitiatingUserId: ORG.userId,
    InputParameters: [{ key: 'Target', value: target(change) }],
    IsExecutingOffline: false, IsInTransaction: false, IsOfflinePlayback: false, IsolationMode: 1,
    MessageName: change.message, Mode: 1, OperationCreatedOn: dateOf(write.createdOn), OperationId: operationId,
    OrganizationId: ORG.organizationId, OrganizationName: ORGANIZATION_NAME,
    OutputParameters: change.message === 'Create' ? [{ key: 'id', value: change.row.id }] : [],
    OwningExtension: { Id: step.sdkmessageprocessingstepid, KeyAttributes: [], LogicalName: 'sdkmessageprocessingstep', Name: step.name, RowVersion: null },
    ParentContext: null, PostEntityImages: [], PreEntityImages: [], PrimaryEntityId: change.row.id,
    PrimaryEntityName: logicalName, RequestId: write.requestId, SecondaryEntityName: 'none', SharedVariables: [],
    Stage: 40, UserId: ORG.userId,
  };
}

/** Whether an Update step with filteringattributes cares about this write. */
function matches(step: ProcessingStep, change: RowChange): boolean {
  if (change.message !== 'Update' || !step.filteringattributes) return true;
  const wanted = new Set(step.filteringattributes.split(','));
  return writtenAttributes(change.table, change.body).some((n) => wanted.has(n));
}

export class DataverseWebhooks implements RowChangeListener {
  readonly registrations = new WebhookRegistrations();
  readonly delivery: WebhookDelivery<WebhookDeliveryLabel>;
  /** The org's host (`x-ms-dynamics-organization`), set once the sandbox listens. */
  orgHost = 'localhost';
  private buffer: DeliveryJob<WebhookDeliveryLabel>[] = [];
  private flushScheduled = false;

  constructor(private readonly startConfig: DeliveryConfig) {
    this.delivery = new WebhookDelivery(startConfig);
  }

  rowChanged(change: RowChange): void {
    if (!this.delivery.config.enabled) return;
    const targets = this.registrations.stepsFor(change.message, change.table.def.logicalName).filter(({ step }) => matches(step, change));
    if (!targets.length) return;
    const write: WriteContext = { requestId: newGuid(), correlationId: newGuid(), createdOn: Date.now() };
    for (const { step, endpoint } of targets) this.buffer.push(this.job(change, write, step, endpoint));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Writes run synchronously inside the request handler: the buffer is handed over once the answer is out.
      setImmediate(() => this.flush());
    }
  }

  private job(change: RowChange, write: WriteContext, step: ProcessingStep, endpoint: ServiceEndpoint): DeliveryJob<WebhookDeliveryLabel> {
    const operationId = newGuid();
    const body = JSON.stringify(remoteExecutionContext(change, write, step, operationId));
    const stepId = step.sdkmessageprocessingstepid;
    const endpointId = endpoint.serviceendpointid;
    return {
      url: endpoint.url,
      headers: {
        ...endpoint.headers,
        'content-type': 'application/json',
        'x-request-id': write.requestId,
        'x-ms-dynamics-organization': this.orgHost,
        'x-ms-dynamics-entity-name': change.table.def.logicalName,
        'x-ms-dynamics-request-name': change.message,
        'x-ms-correlation-request-id': write.correlationId,
      },
      body: () => body,
      // A step or endpoint removed meanwhile: its pending retries stop.
      live: () => this.registrations.steps.get(stepId) === step && this.registrations.endpoints.get(endpointId) === endpoint,
      label: {
        operationId, stepId, serviceEndpointId: endpointId, url: endpoint.url, messageName: change.message,
        entityName: change.table.def.logicalName, primaryEntityId: change.row.id,
      },
    };
  }

  private flush(): void {
    this.flushScheduled = false;
    const jobs = this.buffer;
    this.buffer = [];
    for (const job of jobs) this.delivery.enqueue(job);
  }

  /** Jobs not yet handed to delivery, waiting for their first attempt, in flight, or waiting for a retry. */
  pending(): number {
    return this.buffer.length + this.delivery.pending();
  }

  /** Where the jobs of the writes from now on start (a changeset begins). */
  mark(): number {
    return this.buffer.length;
  }

  /** The writes since `mark` were rolled back: their jobs are never sent. */
  discardSince(mark: number): void {
    this.buffer.length = Math.min(this.buffer.length, mark);
  }

  /** Reset: registrations gone, deliveries dropped, log and counters cleared, delivery settings back to the start options. */
  reset(): void {
    this.registrations.clear();
    this.buffer = [];
    this.delivery.reset();
    this.delivery.configure({ ...this.startConfig, retryDelaysMs: [...this.startConfig.retryDelaysMs] });
  }

  stop(): void {
    this.buffer = [];
    this.delivery.stop();
  }
}
