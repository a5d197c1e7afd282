ALTER TABLE "access_requests" ADD COLUMN "approved_duration_ms" bigint;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "break_glass" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "reviewed_by" text;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "review_reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "revoke_verified_at" timestamp with time zone;