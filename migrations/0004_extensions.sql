CREATE TABLE "grant_extensions" (
	"id" serial PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"grant_id" text NOT NULL,
	"asked_by" text NOT NULL,
	"asked_by_platform" text NOT NULL,
	"add_ms" bigint NOT NULL,
	"status" text NOT NULL,
	"decided_by" text,
	"decided_by_platform" text,
	"new_expires_at" timestamp with time zone,
	"cards" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "grant_extensions" ADD CONSTRAINT "grant_extensions_request_id_access_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."access_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grant_extensions" ADD CONSTRAINT "grant_extensions_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "grant_extensions_one_pending" ON "grant_extensions" USING btree ("grant_id") WHERE "grant_extensions"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "grant_extensions_request_idx" ON "grant_extensions" USING btree ("request_id");