CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text DEFAULT 'audit' NOT NULL,
	"actor" text,
	"action" text NOT NULL,
	"entity_type" text,
	"entity_id" text,
	"detail" jsonb,
	"archived" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "config_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"version" integer NOT NULL,
	"document" jsonb NOT NULL,
	"comment" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connectors" (
	"id" text PRIMARY KEY NOT NULL,
	"crm" text NOT NULL,
	"name" text NOT NULL,
	"base_url" text,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"credentials_ciphertext" text,
	"status" text DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "golden_records" (
	"id" text PRIMARY KEY NOT NULL,
	"entity_type" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"merged_into" text,
	"snapshot" jsonb,
	"snapshot_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_links" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"golden_id" text NOT NULL,
	"entity_type" text NOT NULL,
	"connector_id" text NOT NULL,
	"crm" text NOT NULL,
	"object_type" text NOT NULL,
	"record_id" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"match_key" text,
	"match_detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"connector_id" text NOT NULL,
	"object_type" text NOT NULL,
	"cursor" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_connector_id_object_type_pk" PRIMARY KEY("connector_id","object_type")
);
--> statement-breakpoint
CREATE TABLE "webhook_inbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connector_id" text NOT NULL,
	"event_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "writeback_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connector_id" text NOT NULL,
	"object_type" text NOT NULL,
	"record_id" text,
	"golden_id" text,
	"operation" text DEFAULT 'update' NOT NULL,
	"fields" jsonb NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "record_links" ADD CONSTRAINT "record_links_golden_id_golden_records_id_fk" FOREIGN KEY ("golden_id") REFERENCES "public"."golden_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at" desc);--> statement-breakpoint
CREATE UNIQUE INDEX "config_versions_kind_version_uq" ON "config_versions" USING btree ("kind","version");--> statement-breakpoint
CREATE INDEX "golden_records_type_idx" ON "golden_records" USING btree ("entity_type","status");--> statement-breakpoint
CREATE UNIQUE INDEX "record_links_native_uq" ON "record_links" USING btree ("connector_id","object_type","record_id");--> statement-breakpoint
CREATE INDEX "record_links_golden_idx" ON "record_links" USING btree ("golden_id");--> statement-breakpoint
CREATE INDEX "record_links_match_key_idx" ON "record_links" USING btree ("entity_type","match_key");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_inbox_event_uq" ON "webhook_inbox" USING btree ("connector_id","event_id");--> statement-breakpoint
CREATE INDEX "webhook_inbox_pending_idx" ON "webhook_inbox" USING btree ("processed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "writeback_outbox_idem_uq" ON "writeback_outbox" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "writeback_outbox_claim_idx" ON "writeback_outbox" USING btree ("status","next_attempt_at");