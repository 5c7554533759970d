ALTER TABLE `pat_keys` ADD `lineage_id` text;--> statement-breakpoint
CREATE INDEX `pat_keys_lineage` ON `pat_keys` (`lineage_id`);