CREATE TABLE "cap_usage" (
	"resource_id" uuid NOT NULL,
	"period" text NOT NULL,
	"used" integer NOT NULL,
	"low_alert_at" timestamp with time zone,
	"high_alert_at" timestamp with time zone,
	"full_alert_at" timestamp with time zone,
	CONSTRAINT "cap_usage_resource_id_period_pk" PRIMARY KEY("resource_id","period")
);
--> statement-breakpoint
CREATE TABLE "consultations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"patron_id" uuid,
	"library_id" uuid,
	"resource_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"category" text,
	"document" text NOT NULL,
	"month" text NOT NULL,
	"counted" boolean NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "network_alerts" (
	"key" text PRIMARY KEY NOT NULL,
	"sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patron_resource_rights" (
	"patron_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"withdrawn" boolean NOT NULL,
	"changed_by_staff_id" uuid,
	"changed_by_label" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "patron_resource_rights_patron_id_resource_id_pk" PRIMARY KEY("patron_id","resource_id")
);
--> statement-breakpoint
CREATE TABLE "quota_usage" (
	"patron_id" uuid NOT NULL,
	"category" text NOT NULL,
	"month" text NOT NULL,
	"used" integer NOT NULL,
	CONSTRAINT "quota_usage_patron_id_category_month_pk" PRIMARY KEY("patron_id","category","month")
);
--> statement-breakpoint
CREATE TABLE "resource_libraries" (
	"resource_id" uuid NOT NULL,
	"library_id" uuid NOT NULL,
	CONSTRAINT "resource_libraries_resource_id_library_id_pk" PRIMARY KEY("resource_id","library_id")
);
--> statement-breakpoint
CREATE TABLE "resources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"provider" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"category" text,
	"audience" text DEFAULT 'all' NOT NULL,
	"under_twelve" boolean DEFAULT false NOT NULL,
	"all_libraries" boolean DEFAULT true NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"connector" text NOT NULL,
	"connector_config" jsonb NOT NULL,
	"documents" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cap_period" text,
	"cap_limit" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "resources_category_check" CHECK (("resources"."kind" = 'quota') = ("resources"."category" is not null)),
	CONSTRAINT "resources_cap_check" CHECK (("resources"."cap_period" is null and "resources"."cap_limit" is null) or ("resources"."cap_period" is not null and "resources"."cap_limit" > 0))
);
--> statement-breakpoint
ALTER TABLE "cap_usage" ADD CONSTRAINT "cap_usage_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_patron_id_patrons_id_fk" FOREIGN KEY ("patron_id") REFERENCES "public"."patrons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_library_id_libraries_id_fk" FOREIGN KEY ("library_id") REFERENCES "public"."libraries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patron_resource_rights" ADD CONSTRAINT "patron_resource_rights_patron_id_patrons_id_fk" FOREIGN KEY ("patron_id") REFERENCES "public"."patrons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patron_resource_rights" ADD CONSTRAINT "patron_resource_rights_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_usage" ADD CONSTRAINT "quota_usage_patron_id_patrons_id_fk" FOREIGN KEY ("patron_id") REFERENCES "public"."patrons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_libraries" ADD CONSTRAINT "resource_libraries_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_libraries" ADD CONSTRAINT "resource_libraries_library_id_libraries_id_fk" FOREIGN KEY ("library_id") REFERENCES "public"."libraries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "consultations_counted_key" ON "consultations" USING btree ("patron_id","resource_id","document","month") WHERE "consultations"."counted";--> statement-breakpoint
CREATE INDEX "consultations_patron_idx" ON "consultations" USING btree ("patron_id","at");--> statement-breakpoint
CREATE INDEX "consultations_resource_idx" ON "consultations" USING btree ("resource_id","month");--> statement-breakpoint
CREATE INDEX "resource_libraries_library_idx" ON "resource_libraries" USING btree ("library_id");--> statement-breakpoint
CREATE INDEX "resources_kind_idx" ON "resources" USING btree ("active","kind","category","name");