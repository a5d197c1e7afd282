CREATE TABLE "identities" (
	"platform" text NOT NULL,
	"account_id" text NOT NULL,
	"email" text,
	"display_name" text,
	"home_id" text,
	"guest" boolean DEFAULT false NOT NULL,
	"external" boolean DEFAULT false NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"bot" boolean DEFAULT false NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "identities_platform_account_id_pk" PRIMARY KEY("platform","account_id")
);
--> statement-breakpoint
-- Rows written before people existed: each account is its own person (platform:id), as it was counted then.
ALTER TABLE "access_requests" ADD COLUMN "requester_person" text;--> statement-breakpoint
UPDATE "access_requests" SET "requester_person" = "requester_platform" || ':' || "requester_id";--> statement-breakpoint
ALTER TABLE "access_requests" ALTER COLUMN "requester_person" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "requester_email" text;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "approver_person" text;--> statement-breakpoint
UPDATE "approvals" SET "approver_person" = "approver_platform" || ':' || "approver_id";--> statement-breakpoint
ALTER TABLE "approvals" ALTER COLUMN "approver_person" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "grant_extensions" ADD COLUMN "asked_by_person" text;--> statement-breakpoint
UPDATE "grant_extensions" SET "asked_by_person" = "asked_by_platform" || ':' || "asked_by";--> statement-breakpoint
ALTER TABLE "grant_extensions" ALTER COLUMN "asked_by_person" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "identities_email_idx" ON "identities" USING btree ("email");--> statement-breakpoint
CREATE INDEX "access_requests_person_idx" ON "access_requests" USING btree ("requester_person","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_one_per_person" ON "approvals" USING btree ("request_id","approver_person");