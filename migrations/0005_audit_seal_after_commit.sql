ALTER TABLE "audit_events" ADD COLUMN "seq" bigint;--> statement-breakpoint
-- Rows chained before this migration were chained in id order.
UPDATE "audit_events" SET "seq" = "id" WHERE "hash" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_seq_idx" ON "audit_events" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "audit_events_unsealed_idx" ON "audit_events" USING btree ("id") WHERE "audit_events"."seq" is null;