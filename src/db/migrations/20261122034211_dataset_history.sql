CREATE TABLE "dataset_history" (
	"dataset_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"patch" jsonb NOT NULL,
	"state" jsonb NOT NULL,
	CONSTRAINT "dataset_history_dataset_id_seq_pk" PRIMARY KEY("dataset_id","seq"),
	CONSTRAINT "dataset_history_seq_positive" CHECK ("dataset_history"."seq" >= 1)
);
--> statement-breakpoint
ALTER TABLE "dataset_history" ADD CONSTRAINT "dataset_history_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Datasets that exist before history starts get their current state as a baseline entry.
INSERT INTO "dataset_history" ("dataset_id", "seq", "at", "actor", "action", "patch", "state")
SELECT s.id, 1, s.updated_at, 'system:history-baseline', 'baseline',
       jsonb_build_array(jsonb_build_object('op', 'add', 'path', '', 'value', s.state)), s.state
  FROM (SELECT d.id, d.updated_at,
               jsonb_build_object('title', d.title, 'description', d.description,
                                  'visibility', d.visibility, 'metadata', d.metadata) AS state
          FROM "datasets" AS d) AS s;
