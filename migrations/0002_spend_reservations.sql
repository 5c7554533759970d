ALTER TABLE `usage_records` ADD `cost_usd` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_records` ADD `reserved_usd` real DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `usage_pat_key_ts` ON `usage_records` (`pat_key_id`,`ts`);--> statement-breakpoint
CREATE INDEX `usage_outcome` ON `usage_records` (`outcome`);