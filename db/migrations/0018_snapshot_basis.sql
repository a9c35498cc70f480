CREATE TABLE "snapshot_basis" (
	"golden_type" text PRIMARY KEY NOT NULL,
	"mapping_version" integer NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "resync_runs" ADD COLUMN "golden_types" jsonb;