CREATE TABLE "field_usage" (
	"coordinate" text NOT NULL,
	"day" text NOT NULL,
	"client" text NOT NULL,
	"requests" bigint NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "field_usage_coordinate_day_client_pk" PRIMARY KEY("coordinate","day","client")
);
