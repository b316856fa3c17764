CREATE TABLE `catalogue_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `items` (
	`item_id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`text` text NOT NULL,
	`tags` text NOT NULL,
	`content_vector` text,
	`collab_vector` text,
	`rating_count` integer DEFAULT 0 NOT NULL,
	`rating_mean` real DEFAULT 0 NOT NULL,
	`impressions` integer DEFAULT 0 NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `items_active` ON `items` (`active`);--> statement-breakpoint
CREATE TABLE `users` (
	`user_id` text PRIMARY KEY NOT NULL,
	`collab_vector` text,
	`content_vector` text,
	`tag_affinity` text NOT NULL,
	`rating_count` integer DEFAULT 0 NOT NULL,
	`rating_mean` real DEFAULT 0 NOT NULL,
	`attributes` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `decisions` (
	`request_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`variant` text NOT NULL,
	`policy` text NOT NULL,
	`model_version` text,
	`fallback` integer NOT NULL,
	`mode` text NOT NULL,
	`k` integer NOT NULL,
	`candidate_count` integer NOT NULL,
	`context` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `decisions_user` ON `decisions` (`user_id`);--> statement-breakpoint
CREATE INDEX `decisions_created` ON `decisions` (`created_at`);--> statement-breakpoint
CREATE TABLE `impressions` (
	`request_id` text NOT NULL,
	`rank` integer NOT NULL,
	`user_id` text NOT NULL,
	`item_id` text NOT NULL,
	`score` real NOT NULL,
	`propensity` real NOT NULL,
	`explore` integer NOT NULL,
	`reason` text NOT NULL,
	`policy` text NOT NULL,
	`variant` text NOT NULL,
	`model_version` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`request_id`, `rank`)
);
--> statement-breakpoint
CREATE INDEX `impressions_user` ON `impressions` (`user_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`item_id` text NOT NULL,
	`type` text NOT NULL,
	`value` real,
	`request_id` text,
	`timestamp` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_user` ON `events` (`user_id`);--> statement-breakpoint
CREATE INDEX `events_received` ON `events` (`received_at`);--> statement-breakpoint
CREATE TABLE `models` (
	`version` text PRIMARY KEY NOT NULL,
	`sha256` text NOT NULL,
	`manifest` text NOT NULL,
	`bytes` text NOT NULL,
	`live` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`promoted_at` integer
);
--> statement-breakpoint
CREATE TABLE `snapshots` (
	`cron_slot` integer PRIMARY KEY NOT NULL,
	`from_time` integer NOT NULL,
	`to_time` integer NOT NULL,
	`decisions` integer NOT NULL,
	`impressions` integer NOT NULL,
	`events` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL
);
