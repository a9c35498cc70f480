CREATE TABLE "sync_poll_status" (
	"connector_id" text NOT NULL,
	"object_type" text NOT NULL,
	"last_attempt_at" timestamp with time zone NOT NULL,
	"last_success_at" timestamp with time zone,
	"records_last_round" integer,
	"last_error_code" text,
	"last_error_message" text,
	"last_error_at" timestamp with time zone,
	"last_error_crm" text,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sync_poll_status_connector_id_object_type_pk" PRIMARY KEY("connector_id","object_type")
);
