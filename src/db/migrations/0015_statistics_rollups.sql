CREATE TABLE "stat_active_now" (
	"library_id" uuid NOT NULL,
	"age_band" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "stat_active_now_library_id_age_band_pk" PRIMARY KEY("library_id","age_band")
);
--> statement-breakpoint
CREATE TABLE "stat_consultations_libraries" (
	"month" text NOT NULL,
	"library_id" uuid,
	"outcome" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "stat_consultations_libraries_key" UNIQUE NULLS NOT DISTINCT("month","library_id","outcome")
);
--> statement-breakpoint
CREATE TABLE "stat_consultations_network" (
	"month" text NOT NULL,
	"resource_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"category" text,
	"outcome" text NOT NULL,
	"age_band" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "stat_consultations_network_key" UNIQUE NULLS NOT DISTINCT("month","resource_id","category","outcome","age_band")
);
--> statement-breakpoint
CREATE TABLE "stat_delay_months" (
	"month" text NOT NULL,
	"library_id" uuid NOT NULL,
	"tenths" integer,
	"n" integer NOT NULL,
	CONSTRAINT "stat_delay_months_key" UNIQUE NULLS NOT DISTINCT("month","library_id","tenths")
);
--> statement-breakpoint
CREATE TABLE "stat_delay_months_network" (
	"month" text NOT NULL,
	"tenths" integer,
	"n" integer NOT NULL,
	CONSTRAINT "stat_delay_months_network_key" UNIQUE NULLS NOT DISTINCT("month","tenths")
);
--> statement-breakpoint
CREATE TABLE "stat_event_months" (
	"month" text NOT NULL,
	"library_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"channel" text,
	"reason" text,
	"age_band" text,
	"on_behalf" boolean NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "stat_event_months_key" UNIQUE NULLS NOT DISTINCT("month","library_id","kind","channel","reason","age_band","on_behalf")
);
--> statement-breakpoint
CREATE TABLE "stat_event_months_network" (
	"month" text NOT NULL,
	"kind" text NOT NULL,
	"channel" text,
	"reason" text,
	"age_band" text,
	"on_behalf" boolean NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "stat_event_months_network_key" UNIQUE NULLS NOT DISTINCT("month","kind","channel","reason","age_band","on_behalf")
);
--> statement-breakpoint
CREATE INDEX "stat_delay_months_library_idx" ON "stat_delay_months" USING btree ("library_id","month");--> statement-breakpoint
CREATE INDEX "stat_event_months_library_idx" ON "stat_event_months" USING btree ("library_id","month");--> statement-breakpoint
CREATE INDEX "stat_consultations_library_idx" ON "stat_consultations" USING btree ("library_id","month");
--> statement-breakpoint
-- Rollups of the statistics facts (issue #16, speed): statement triggers fold each statement's
-- rows (transition tables) into the small tables the page reads, in the same transaction.
CREATE OR REPLACE FUNCTION sesame_stat_events_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stat_event_months AS s (month, library_id, kind, channel, reason, age_band, on_behalf, n)
  SELECT to_char(day, 'YYYY-MM'), library_id, kind, channel, reason, age_band, on_behalf, count(*)
  FROM sesame_new_facts
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  ORDER BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT ON CONSTRAINT stat_event_months_key DO UPDATE SET n = s.n + excluded.n;
  INSERT INTO stat_delay_months AS s (month, library_id, tenths, n)
  SELECT to_char(day, 'YYYY-MM'), library_id, round(delay_hours / 2.4)::int, count(*)
  FROM sesame_new_facts
  WHERE kind IN ('accepted', 'refused', 'renewal_accepted', 'renewal_refused')
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT stat_delay_months_key DO UPDATE SET n = s.n + excluded.n;
  INSERT INTO stat_event_months_network AS s (month, kind, channel, reason, age_band, on_behalf, n)
  SELECT to_char(day, 'YYYY-MM'), kind, channel, reason, age_band, on_behalf, count(*)
  FROM sesame_new_facts
  GROUP BY 1, 2, 3, 4, 5, 6
  ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ON CONSTRAINT stat_event_months_network_key DO UPDATE SET n = s.n + excluded.n;
  INSERT INTO stat_delay_months_network AS s (month, tenths, n)
  SELECT to_char(day, 'YYYY-MM'), round(delay_hours / 2.4)::int, count(*)
  FROM sesame_new_facts
  WHERE kind IN ('accepted', 'refused', 'renewal_accepted', 'renewal_refused')
  GROUP BY 1, 2
  ORDER BY 1, 2
  ON CONFLICT ON CONSTRAINT stat_delay_months_network_key DO UPDATE SET n = s.n + excluded.n;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sesame_stat_events_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE stat_event_months AS s SET n = s.n - o.n
  FROM (SELECT to_char(day, 'YYYY-MM') AS month, library_id, kind, channel, reason, age_band, on_behalf,
      count(*)::int AS n
    FROM sesame_old_facts GROUP BY 1, 2, 3, 4, 5, 6, 7) AS o
  WHERE s.month = o.month AND s.library_id = o.library_id AND s.kind = o.kind
    AND s.channel IS NOT DISTINCT FROM o.channel AND s.reason IS NOT DISTINCT FROM o.reason
    AND s.age_band IS NOT DISTINCT FROM o.age_band AND s.on_behalf = o.on_behalf;
  UPDATE stat_delay_months AS s SET n = s.n - o.n
  FROM (SELECT to_char(day, 'YYYY-MM') AS month, library_id, round(delay_hours / 2.4)::int AS tenths, count(*)::int AS n
    FROM sesame_old_facts
    WHERE kind IN ('accepted', 'refused', 'renewal_accepted', 'renewal_refused')
    GROUP BY 1, 2, 3) AS o
  WHERE s.month = o.month AND s.library_id = o.library_id AND s.tenths IS NOT DISTINCT FROM o.tenths;
  UPDATE stat_event_months_network AS s SET n = s.n - o.n
  FROM (SELECT to_char(day, 'YYYY-MM') AS month, kind, channel, reason, age_band, on_behalf, count(*)::int AS n
    FROM sesame_old_facts GROUP BY 1, 2, 3, 4, 5, 6) AS o
  WHERE s.month = o.month AND s.kind = o.kind
    AND s.channel IS NOT DISTINCT FROM o.channel AND s.reason IS NOT DISTINCT FROM o.reason
    AND s.age_band IS NOT DISTINCT FROM o.age_band AND s.on_behalf = o.on_behalf;
  UPDATE stat_delay_months_network AS s SET n = s.n - o.n
  FROM (SELECT to_char(day, 'YYYY-MM') AS month, round(delay_hours / 2.4)::int AS tenths, count(*)::int AS n
    FROM sesame_old_facts
    WHERE kind IN ('accepted', 'refused', 'renewal_accepted', 'renewal_refused')
    GROUP BY 1, 2) AS o
  WHERE s.month = o.month AND s.tenths IS NOT DISTINCT FROM o.tenths;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER stat_events_fold_insert AFTER INSERT ON stat_events
REFERENCING NEW TABLE AS sesame_new_facts FOR EACH STATEMENT EXECUTE FUNCTION sesame_stat_events_insert();
--> statement-breakpoint
CREATE TRIGGER stat_events_fold_delete AFTER DELETE ON stat_events
REFERENCING OLD TABLE AS sesame_old_facts FOR EACH STATEMENT EXECUTE FUNCTION sesame_stat_events_delete();
--> statement-breakpoint
INSERT INTO stat_event_months (month, library_id, kind, channel, reason, age_band, on_behalf, n)
SELECT to_char(day, 'YYYY-MM'), library_id, kind, channel, reason, age_band, on_behalf, count(*)
FROM stat_events GROUP BY 1, 2, 3, 4, 5, 6, 7;
--> statement-breakpoint
INSERT INTO stat_delay_months (month, library_id, tenths, n)
SELECT to_char(day, 'YYYY-MM'), library_id, round(delay_hours / 2.4)::int, count(*)
FROM stat_events WHERE kind IN ('accepted', 'refused', 'renewal_accepted', 'renewal_refused')
GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO stat_event_months_network (month, kind, channel, reason, age_band, on_behalf, n)
SELECT to_char(day, 'YYYY-MM'), kind, channel, reason, age_band, on_behalf, count(*)
FROM stat_events GROUP BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
INSERT INTO stat_delay_months_network (month, tenths, n)
SELECT to_char(day, 'YYYY-MM'), round(delay_hours / 2.4)::int, count(*)
FROM stat_events WHERE kind IN ('accepted', 'refused', 'renewal_accepted', 'renewal_refused')
GROUP BY 1, 2;
--> statement-breakpoint
-- Openings: the rollup without the library, and per library without the rest. Written as
-- INSERT … ON CONFLICT DO UPDATE: the insert trigger sees the new rows, the update trigger the
-- rows before and after (the difference of their sums is what the statement added).
CREATE OR REPLACE FUNCTION sesame_stat_consultations_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stat_consultations_network AS s (month, resource_id, kind, category, outcome, age_band, n)
  SELECT month, resource_id, kind, category, outcome, age_band, sum(n)
  FROM sesame_new_openings GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 4, 5, 6
  ON CONFLICT ON CONSTRAINT stat_consultations_network_key DO UPDATE SET n = s.n + excluded.n;
  INSERT INTO stat_consultations_libraries AS s (month, library_id, outcome, n)
  SELECT month, library_id, outcome, sum(n)
  FROM sesame_new_openings GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT stat_consultations_libraries_key DO UPDATE SET n = s.n + excluded.n;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sesame_stat_consultations_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stat_consultations_network AS s (month, resource_id, kind, category, outcome, age_band, n)
  SELECT month, resource_id, kind, category, outcome, age_band, sum(n)
  FROM (SELECT month, resource_id, kind, category, outcome, age_band, n FROM sesame_new_openings
    UNION ALL SELECT month, resource_id, kind, category, outcome, age_band, -n FROM sesame_old_openings) AS d
  GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 4, 5, 6
  ON CONFLICT ON CONSTRAINT stat_consultations_network_key DO UPDATE SET n = s.n + excluded.n;
  INSERT INTO stat_consultations_libraries AS s (month, library_id, outcome, n)
  SELECT month, library_id, outcome, sum(n)
  FROM (SELECT month, library_id, outcome, n FROM sesame_new_openings
    UNION ALL SELECT month, library_id, outcome, -n FROM sesame_old_openings) AS d
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT stat_consultations_libraries_key DO UPDATE SET n = s.n + excluded.n;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER stat_consultations_fold_insert AFTER INSERT ON stat_consultations
REFERENCING NEW TABLE AS sesame_new_openings FOR EACH STATEMENT EXECUTE FUNCTION sesame_stat_consultations_insert();
--> statement-breakpoint
CREATE TRIGGER stat_consultations_fold_update AFTER UPDATE ON stat_consultations
REFERENCING OLD TABLE AS sesame_old_openings NEW TABLE AS sesame_new_openings
FOR EACH STATEMENT EXECUTE FUNCTION sesame_stat_consultations_update();
--> statement-breakpoint
INSERT INTO stat_consultations_network (month, resource_id, kind, category, outcome, age_band, n)
SELECT month, resource_id, kind, category, outcome, age_band, sum(n) FROM stat_consultations GROUP BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
INSERT INTO stat_consultations_libraries (month, library_id, outcome, n)
SELECT month, library_id, outcome, sum(n) FROM stat_consultations GROUP BY 1, 2, 3;
--> statement-breakpoint
-- Active patrons now, per library and age band (on the Paris day of the change; the hourly
-- sweep counts them all again, which also moves those a birthday took to another band).
CREATE OR REPLACE FUNCTION sesame_stat_active_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stat_active_now AS s (library_id, age_band, n)
  SELECT library_id, sesame_age_band(birth_date, birth_year, (now() AT TIME ZONE 'Europe/Paris')::date), count(*)
  FROM sesame_new_patrons WHERE state IN ('active', 'renewal_pending')
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (library_id, age_band) DO UPDATE SET n = s.n + excluded.n;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sesame_stat_active_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stat_active_now AS s (library_id, age_band, n)
  SELECT library_id, sesame_age_band(birth_date, birth_year, (now() AT TIME ZONE 'Europe/Paris')::date), -count(*)
  FROM sesame_old_patrons WHERE state IN ('active', 'renewal_pending')
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (library_id, age_band) DO UPDATE SET n = s.n + excluded.n;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sesame_stat_active_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  today date := (now() AT TIME ZONE 'Europe/Paris')::date;
BEGIN
  INSERT INTO stat_active_now AS s (library_id, age_band, n)
  SELECT library_id, band, sum(delta) FROM (
    SELECT OLD.library_id AS library_id, sesame_age_band(OLD.birth_date, OLD.birth_year, today) AS band, -1 AS delta
    WHERE OLD.state IN ('active', 'renewal_pending')
    UNION ALL
    SELECT NEW.library_id, sesame_age_band(NEW.birth_date, NEW.birth_year, today), 1
    WHERE NEW.state IN ('active', 'renewal_pending')
  ) AS d
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (library_id, age_band) DO UPDATE SET n = s.n + excluded.n;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER patrons_stat_active_insert AFTER INSERT ON patrons
REFERENCING NEW TABLE AS sesame_new_patrons FOR EACH STATEMENT EXECUTE FUNCTION sesame_stat_active_insert();
--> statement-breakpoint
CREATE TRIGGER patrons_stat_active_delete AFTER DELETE ON patrons
REFERENCING OLD TABLE AS sesame_old_patrons FOR EACH STATEMENT EXECUTE FUNCTION sesame_stat_active_delete();
--> statement-breakpoint
CREATE TRIGGER patrons_stat_active_update AFTER UPDATE ON patrons FOR EACH ROW
WHEN ((OLD.state IN ('active', 'renewal_pending') OR NEW.state IN ('active', 'renewal_pending'))
  AND (OLD.state, OLD.library_id, OLD.birth_date, OLD.birth_year)
    IS DISTINCT FROM (NEW.state, NEW.library_id, NEW.birth_date, NEW.birth_year))
EXECUTE FUNCTION sesame_stat_active_update();
--> statement-breakpoint
INSERT INTO stat_active_now (library_id, age_band, n)
SELECT library_id, sesame_age_band(birth_date, birth_year, (now() AT TIME ZONE 'Europe/Paris')::date), count(*)
FROM patrons WHERE state IN ('active', 'renewal_pending') GROUP BY 1, 2;
