export { openDatabase } from './open-database.ts';
export type { Database, DatabaseHandle, OpenDatabaseOptions } from './open-database.ts';
export { CredentialCipher } from './credential-cipher.ts';
export { ConnectorStore } from './connector-store.ts';
export type { ConnectorInput, ConnectorRow } from './connector-store.ts';
export { enqueueOutbox, claimOutbox, completeOutbox, failOutbox } from './outbox-store.ts';
export type { OutboxRow, OutboxInsert } from './outbox-store.ts';
export * as tables from './schema.ts';
export { MappingConfigStore } from './config-store.ts';
