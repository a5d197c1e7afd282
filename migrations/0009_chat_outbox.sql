CREATE TABLE "chat_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" text,
	"effect" jsonb NOT NULL,
	"progress" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone,
	"abandoned_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "chat_messages" ADD COLUMN "stale_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "chat_outbox_owed_idx" ON "chat_outbox" USING btree ("created_at") WHERE "chat_outbox"."delivered_at" is null and "chat_outbox"."abandoned_at" is null;