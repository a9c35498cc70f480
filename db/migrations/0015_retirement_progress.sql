ALTER TABLE "connector_retirements" ADD COLUMN "connector_name" text;--> statement-breakpoint
ALTER TABLE "connector_retirements" ADD COLUMN "golden_deleted" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "connector_retirements" ADD COLUMN "snapshots_changed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "connector_retirements" ADD COLUMN "progress_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connector_retirements" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "connector_retirements" ADD COLUMN "last_error_at" timestamp with time zone;