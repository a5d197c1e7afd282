ALTER TABLE "access_requests" ADD COLUMN "reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "escalated_tiers" integer[] DEFAULT '{}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "verify_failed_at" timestamp with time zone;--> statement-breakpoint
-- Earlier releases kept these facts only as audit events: carry them over, so a request
-- reminded or escalated before the upgrade is not reminded or escalated again, and a grant
-- whose check already failed is revoked again on its retries (and not alerted twice).
UPDATE "access_requests" r SET "reminded_at" = e.first_at
FROM (SELECT "request_id", min("at") AS first_at FROM "audit_events" WHERE "action" = 'request.reminded' GROUP BY "request_id") e
WHERE e."request_id" = r."id";--> statement-breakpoint
UPDATE "access_requests" r SET "escalated_tiers" = e.tiers
FROM (SELECT "request_id", array_agg(DISTINCT ("data"->>'tier')::integer ORDER BY ("data"->>'tier')::integer) AS tiers FROM "audit_events" WHERE "action" = 'request.escalated' AND "data" ? 'tier' GROUP BY "request_id") e
WHERE e."request_id" = r."id";--> statement-breakpoint
UPDATE "grants" g SET "verify_failed_at" = e.first_at
FROM (SELECT "grant_id", min("at") AS first_at FROM "audit_events" WHERE "action" = 'revoke.verify_failed' GROUP BY "grant_id") e
WHERE e."grant_id" = g."id";
