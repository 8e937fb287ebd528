CREATE TABLE "patrons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"library_id" uuid NOT NULL,
	"state" text NOT NULL,
	"channel" text NOT NULL,
	"last_name" text,
	"first_name" text,
	"birth_date" date,
	"birth_year" integer NOT NULL,
	"email" text,
	"identifier" text,
	"password_hash" text,
	"newsletter" boolean DEFAULT false NOT NULL,
	"card_number" text,
	"registered_at" timestamp with time zone NOT NULL,
	"email_confirmed_at" timestamp with time zone,
	"confirmation_reminded_at" timestamp with time zone,
	"pending_since" timestamp with time zone,
	"active_until" date,
	"decision" text,
	"decided_at" timestamp with time zone,
	"decided_by_staff_id" uuid,
	"decided_by_label" text,
	"decided_on_behalf" boolean DEFAULT false NOT NULL,
	"refusal_reason" text,
	"undo_until" timestamp with time zone,
	"undo_snapshot" jsonb,
	"undo_mail_id" bigint,
	"overdue_notified_at" timestamp with time zone,
	"last_warned_at" timestamp with time zone,
	"anonymised_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "response_templates" (
	"key" text PRIMARY KEY NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "patrons" ADD CONSTRAINT "patrons_library_id_libraries_id_fk" FOREIGN KEY ("library_id") REFERENCES "public"."libraries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "patrons_identifier_key" ON "patrons" USING btree (lower("identifier"));--> statement-breakpoint
CREATE INDEX "patrons_email_idx" ON "patrons" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "patrons_queue_idx" ON "patrons" USING btree ("library_id","state","pending_since");--> statement-breakpoint
CREATE INDEX "patrons_state_idx" ON "patrons" USING btree ("state","pending_since");--> statement-breakpoint
CREATE INDEX "patrons_registered_idx" ON "patrons" USING btree ("library_id","registered_at");--> statement-breakpoint
CREATE INDEX "patrons_search_idx" ON "patrons" USING gin (sesame_fold(coalesce("last_name", '') || ' ' || coalesce("first_name", '') || ' ' || coalesce("identifier", '') || ' ' || coalesce("email", '') || ' ' || coalesce("card_number", '')) gin_trgm_ops);