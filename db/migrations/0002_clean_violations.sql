CREATE TABLE "match_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entity_type" text NOT NULL,
	"left_key" text NOT NULL,
	"right_key" text NOT NULL,
	"decision" text NOT NULL,
	"score" double precision,
	"reasons" jsonb,
	"actor" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "match_decisions_pair_uq" ON "match_decisions" USING btree ("entity_type","left_key","right_key");--> statement-breakpoint
CREATE INDEX "match_decisions_decision_idx" ON "match_decisions" USING btree ("decision");