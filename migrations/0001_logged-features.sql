ALTER TABLE `decisions` ADD `feature_layout` text DEFAULT 'features-v1' NOT NULL;--> statement-breakpoint
ALTER TABLE `impressions` ADD `features` text;