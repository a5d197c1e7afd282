CREATE TABLE "teams_conversations" (
	"conversation_id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"user_aad_object_id" text,
	"service_url" text NOT NULL,
	"reference" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "teams_conversations_user_idx" ON "teams_conversations" USING btree ("user_aad_object_id");