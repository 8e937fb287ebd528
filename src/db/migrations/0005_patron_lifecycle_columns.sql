ALTER TABLE "outbox" ADD COLUMN "patron_id" uuid;--> statement-breakpoint
ALTER TABLE "patrons" ADD COLUMN "renewal_reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "patrons" ADD COLUMN "retention_warned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "patrons" ADD COLUMN "pending_email" text;--> statement-breakpoint
CREATE INDEX "outbox_patron_idx" ON "outbox" USING btree ("patron_id");