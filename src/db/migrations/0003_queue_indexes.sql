CREATE INDEX "patrons_registered_at_idx" ON "patrons" USING btree ("registered_at","id");--> statement-breakpoint
CREATE INDEX "patrons_active_until_idx" ON "patrons" USING btree ("active_until","id");--> statement-breakpoint
CREATE INDEX "patrons_library_active_until_idx" ON "patrons" USING btree ("library_id","active_until","id");--> statement-breakpoint
CREATE INDEX "patrons_name_idx" ON "patrons" USING btree (sesame_fold("last_name"),sesame_fold("first_name"),"id");--> statement-breakpoint
CREATE INDEX "patrons_library_name_idx" ON "patrons" USING btree ("library_id",sesame_fold("last_name"),sesame_fold("first_name"),"id");--> statement-breakpoint
-- The planner estimates how many patrons a searched text matches from this expression's
-- statistics; with the default 100 samples a fragment matching 1 % of the network is often
-- estimated at a handful of rows, and the search then rechecks thousands of rows instead of
-- intersecting with the library first. 1 000 samples keep estimates close (ANALYZE reads more rows).
ALTER INDEX "patrons_search_idx" ALTER COLUMN 1 SET STATISTICS 1000;
