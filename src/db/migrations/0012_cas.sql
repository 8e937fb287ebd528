CREATE TABLE "cas_services" (
	"resource_id" uuid PRIMARY KEY NOT NULL,
	"enabled" boolean NOT NULL,
	"service_prefix" text NOT NULL,
	"attributes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"ticket_seconds" integer,
	"pseudonym_secret" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cas_tickets" (
	"hash" text PRIMARY KEY NOT NULL,
	"resource_id" uuid NOT NULL,
	"patron_id" uuid NOT NULL,
	"service" text NOT NULL,
	"from_new_login" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cas_services" ADD CONSTRAINT "cas_services_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cas_tickets" ADD CONSTRAINT "cas_tickets_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cas_tickets" ADD CONSTRAINT "cas_tickets_patron_id_patrons_id_fk" FOREIGN KEY ("patron_id") REFERENCES "public"."patrons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cas_tickets_expires_idx" ON "cas_tickets" USING btree ("expires_at");