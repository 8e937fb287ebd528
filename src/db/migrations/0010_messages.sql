CREATE TABLE "message_threads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"library_id" uuid,
	"patron_id" uuid,
	"email" text NOT NULL,
	"subject" text NOT NULL,
	"state" text NOT NULL,
	"unread" boolean DEFAULT true NOT NULL,
	"waiting_since" timestamp with time zone,
	"taken_over_at" timestamp with time zone,
	"taken_over_by_id" uuid,
	"taken_over_by_label" text,
	"created_at" timestamp with time zone NOT NULL,
	"last_message_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "thread_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"thread_id" uuid NOT NULL,
	"author_kind" text NOT NULL,
	"author_staff_id" uuid,
	"author_label" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "message_threads" ADD CONSTRAINT "message_threads_library_id_libraries_id_fk" FOREIGN KEY ("library_id") REFERENCES "public"."libraries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_threads" ADD CONSTRAINT "message_threads_patron_id_patrons_id_fk" FOREIGN KEY ("patron_id") REFERENCES "public"."patrons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_threads" ADD CONSTRAINT "message_threads_taken_over_by_id_staff_id_fk" FOREIGN KEY ("taken_over_by_id") REFERENCES "public"."staff"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_messages" ADD CONSTRAINT "thread_messages_thread_id_message_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."message_threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_messages" ADD CONSTRAINT "thread_messages_author_staff_id_staff_id_fk" FOREIGN KEY ("author_staff_id") REFERENCES "public"."staff"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "message_threads_inbox_idx" ON "message_threads" USING btree ("kind","library_id","state","last_message_at");--> statement-breakpoint
CREATE INDEX "message_threads_patron_idx" ON "message_threads" USING btree ("patron_id","last_message_at");--> statement-breakpoint
CREATE INDEX "message_threads_email_idx" ON "message_threads" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "message_threads_waiting_idx" ON "message_threads" USING btree ("waiting_since") WHERE state = 'new';--> statement-breakpoint
CREATE INDEX "message_threads_unread_idx" ON "message_threads" USING btree ("kind","library_id") WHERE unread;--> statement-breakpoint
CREATE INDEX "thread_messages_thread_idx" ON "thread_messages" USING btree ("thread_id","created_at");--> statement-breakpoint
CREATE INDEX "thread_messages_recent_idx" ON "thread_messages" USING btree ("created_at") WHERE author_kind <> 'staff';