CREATE TABLE "digests" (
	"id" serial PRIMARY KEY NOT NULL,
	"day" text NOT NULL,
	"platform" text NOT NULL,
	"channel" text NOT NULL,
	"parent_ts" text,
	"replies" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"lease_until" timestamp with time zone,
	"posted_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "hash" text;--> statement-breakpoint
CREATE UNIQUE INDEX "digests_one_per_day" ON "digests" USING btree ("day","platform");