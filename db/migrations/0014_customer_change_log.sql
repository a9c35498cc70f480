CREATE TABLE "customer_change_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"changed_fields" text[],
	"snapshot_version" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "customer_change_log_customer_idx" ON "customer_change_log" USING btree ("customer_id","seq");--> statement-breakpoint
CREATE INDEX "customer_change_log_at_idx" ON "customer_change_log" USING btree ("at","seq");