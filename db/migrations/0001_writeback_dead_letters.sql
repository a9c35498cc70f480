CREATE TABLE "writeback_dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"outbox_id" bigint NOT NULL,
	"connector_id" text NOT NULL,
	"object_type" text NOT NULL,
	"record_id" text,
	"golden_id" text,
	"fields" jsonb NOT NULL,
	"code" text NOT NULL,
	"native_code" text,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replayed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "writeback_dead_letters_outbox_uq" ON "writeback_dead_letters" USING btree ("outbox_id");--> statement-breakpoint
CREATE INDEX "writeback_dead_letters_golden_idx" ON "writeback_dead_letters" USING btree ("golden_id");