CREATE TABLE "library_ils" (
	"library_id" uuid PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"tls" boolean DEFAULT false NOT NULL,
	"login" text DEFAULT '' NOT NULL,
	"password" text DEFAULT '' NOT NULL,
	"location" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sip2_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"login" text NOT NULL,
	"password_hash" text NOT NULL,
	"allowed_ips" text[] DEFAULT '{}'::text[] NOT NULL,
	"resource_id" uuid NOT NULL,
	"institution" text DEFAULT 'SESAME' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "library_ils" ADD CONSTRAINT "library_ils_library_id_libraries_id_fk" FOREIGN KEY ("library_id") REFERENCES "public"."libraries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sip2_accounts" ADD CONSTRAINT "sip2_accounts_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sip2_accounts_login_key" ON "sip2_accounts" USING btree (lower("login"));--> statement-breakpoint
-- SIP2 patron information looks patrons up by card number as well as by identifiant.
CREATE INDEX "patrons_card_number_idx" ON "patrons" USING btree ("card_number") WHERE "anonymised_at" IS NULL;
