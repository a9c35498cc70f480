CREATE TABLE "resync_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"objects" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"done_types" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"golden_created" integer DEFAULT 0 NOT NULL,
	"links_created" integer DEFAULT 0 NOT NULL,
	"snapshots_changed" integer DEFAULT 0 NOT NULL,
	"failed_objects" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"resumes" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "resync_runs_one_unfinished_uq" ON "resync_runs" USING btree ("state") WHERE finished_at is null;