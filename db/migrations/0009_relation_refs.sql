ALTER TABLE "record_links" ADD COLUMN "refs" jsonb;--> statement-breakpoint
CREATE INDEX "record_links_refs_idx" ON "record_links" USING gin ("refs");