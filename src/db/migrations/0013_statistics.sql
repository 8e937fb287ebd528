CREATE TABLE "quota_refused_documents" (
	"patron_id" uuid NOT NULL,
	"category" text NOT NULL,
	"month" text NOT NULL,
	"document" text NOT NULL,
	"rank" integer NOT NULL,
	CONSTRAINT "quota_refused_documents_patron_id_category_month_document_pk" PRIMARY KEY("patron_id","category","month","document")
);
--> statement-breakpoint
CREATE TABLE "stat_active_patrons" (
	"month" text NOT NULL,
	"library_id" uuid NOT NULL,
	"age_band" text NOT NULL,
	"n" integer NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stat_active_patrons_month_library_id_age_band_pk" PRIMARY KEY("month","library_id","age_band")
);
--> statement-breakpoint
CREATE TABLE "stat_consultations" (
	"month" text NOT NULL,
	"library_id" uuid,
	"resource_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"category" text,
	"outcome" text NOT NULL,
	"age_band" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "stat_consultations_key" UNIQUE NULLS NOT DISTINCT("month","library_id","resource_id","category","outcome","age_band")
);
--> statement-breakpoint
CREATE TABLE "stat_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"day" date NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"library_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"channel" text,
	"reason" text,
	"delay_hours" double precision,
	"on_behalf" boolean DEFAULT false NOT NULL,
	"age_band" text,
	"source_event_id" bigint
);
--> statement-breakpoint
CREATE TABLE "stat_quota_refusals" (
	"month" text NOT NULL,
	"library_id" uuid NOT NULL,
	"category" text NOT NULL,
	"quota_limit" integer NOT NULL,
	"rank" integer NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "stat_quota_refusals_month_library_id_category_quota_limit_rank_pk" PRIMARY KEY("month","library_id","category","quota_limit","rank")
);
--> statement-breakpoint
CREATE TABLE "stat_quota_use" (
	"month" text NOT NULL,
	"library_id" uuid NOT NULL,
	"category" text NOT NULL,
	"used" integer NOT NULL,
	"patrons" integer NOT NULL,
	CONSTRAINT "stat_quota_use_month_library_id_category_used_pk" PRIMARY KEY("month","library_id","category","used")
);
--> statement-breakpoint
ALTER TABLE "quota_refused_documents" ADD CONSTRAINT "quota_refused_documents_patron_id_patrons_id_fk" FOREIGN KEY ("patron_id") REFERENCES "public"."patrons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stat_events_day_idx" ON "stat_events" USING btree ("day","library_id");--> statement-breakpoint
CREATE INDEX "stat_events_kind_idx" ON "stat_events" USING btree ("kind","day");--> statement-breakpoint
CREATE INDEX "stat_events_source_idx" ON "stat_events" USING btree ("source_event_id");--> statement-breakpoint
-- Age bands of the statistics (issue #16): age on the day counted, from the birth date while it is
-- known, from the birth year once the record is anonymised.
CREATE OR REPLACE FUNCTION sesame_age_band(birth_date date, birth_year int, on_day date)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN a IS NULL THEN 'unknown'
    WHEN a < 12 THEN 'under12'
    WHEN a < 16 THEN '12-15'
    WHEN a < 18 THEN '16-17'
    WHEN a < 26 THEN '18-25'
    WHEN a < 65 THEN '26-64'
    ELSE '65+'
  END
  FROM (SELECT CASE
    WHEN birth_date IS NOT NULL THEN date_part('year', age(on_day::timestamp, birth_date::timestamp))::int
    WHEN birth_year IS NOT NULL THEN date_part('year', on_day)::int - birth_year
  END AS a) AS s
$$;
--> statement-breakpoint
-- One history event of a patron becomes one statistics fact, without the patron: called by the
-- trigger below (same transaction as the action) and once over the existing history.
CREATE OR REPLACE FUNCTION sesame_stat_from_event(e events)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  p record;
  k text;
  d date := (e.at AT TIME ZONE 'Europe/Paris')::date;
  since timestamptz;
BEGIN
  IF e.subject_kind <> 'patron'
    OR e.subject_id !~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN
    RETURN;
  END IF;
  k := CASE e.action
    WHEN 'registered' THEN 'requested'
    WHEN 'registered_by_staff' THEN 'requested'
    WHEN 'email_confirmed' THEN 'confirmed'
    WHEN 'lapsed' THEN 'lapsed'
    WHEN 'accepted' THEN 'accepted'
    WHEN 'refused' THEN 'refused'
    WHEN 'renewal_requested' THEN 'renewal_requested'
    WHEN 'renewal_accepted' THEN 'renewal_accepted'
    WHEN 'renewal_refused' THEN 'renewal_refused'
    WHEN 'renewed_by_staff' THEN 'renewed'
    WHEN 'overdue_reminded' THEN 'overdue'
    WHEN 'expired' THEN 'expired'
    WHEN 'anonymised' THEN 'anonymised'
    WHEN 'deleted_by_patron' THEN 'erased'
    WHEN 'deleted_by_staff' THEN 'erased'
    WHEN 'decision_undone' THEN 'undone'
  END;
  IF k IS NULL THEN
    RETURN;
  END IF;
  IF k = 'undone' THEN
    -- Undone within minutes of the decision: the decision is taken back as if never taken.
    DELETE FROM stat_events WHERE source_event_id = (
      SELECT max(x.id) FROM events x
      WHERE x.subject_kind = 'patron' AND x.subject_id = e.subject_id AND x.id < e.id
        AND x.action IN ('accepted', 'refused', 'renewal_accepted', 'renewal_refused'));
    RETURN;
  END IF;
  SELECT pa.library_id, pa.channel, pa.birth_date, pa.birth_year, pa.decided_at, pa.undo_snapshot INTO p
  FROM patrons pa WHERE pa.id = e.subject_id::uuid;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF k IN ('accepted', 'refused', 'renewal_accepted', 'renewal_refused') THEN
    -- The request waited for the library from its confirmation (or the staff registration, or
    -- the renewal request) to this decision: pendingSince before the decision, kept in its undo
    -- snapshot.
    IF p.decided_at = e.at THEN
      since := (p.undo_snapshot->>'pendingSince')::timestamptz;
    END IF;
    -- Older decisions (the backfill): from the history.
    IF since IS NULL THEN
      SELECT max(x.at) INTO since FROM events x
    WHERE x.subject_kind = 'patron' AND x.subject_id = e.subject_id AND x.at <= e.at AND x.id < e.id
        AND x.action IN ('email_confirmed', 'registered_by_staff', 'renewal_requested');
    END IF;
  END IF;
  INSERT INTO stat_events (day, at, library_id, kind, channel, reason, delay_hours, on_behalf, age_band, source_event_id)
  VALUES (d, e.at, p.library_id, k,
    CASE WHEN k IN ('requested', 'confirmed', 'lapsed') THEN p.channel END,
    CASE WHEN k IN ('refused', 'renewal_refused') THEN coalesce(e.data->>'template', 'autre') END,
    CASE WHEN since IS NOT NULL THEN extract(epoch FROM e.at - since) / 3600.0 END,
    e.on_behalf_of_library_id IS NOT NULL AND k IN ('accepted', 'refused', 'renewal_accepted', 'renewal_refused'),
    sesame_age_band(p.birth_date, p.birth_year, d),
    e.id);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sesame_stat_event_trigger()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sesame_stat_from_event(NEW);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- The existing history, counted once (statistics begin with the history Sésame kept).
SELECT count(sesame_stat_from_event(e)) FROM (SELECT * FROM events ORDER BY id) AS e;
--> statement-breakpoint
CREATE TRIGGER events_statistics AFTER INSERT ON events
FOR EACH ROW WHEN (NEW.subject_kind = 'patron') EXECUTE FUNCTION sesame_stat_event_trigger();
--> statement-breakpoint
-- Existing openings: counted ones are known; an opening not counted of a Forfait resource is
-- taken as "again", any other as "free". Refusals were never kept before: none to count.
INSERT INTO stat_consultations (month, library_id, resource_id, kind, category, outcome, age_band, n)
SELECT c.month, c.library_id, c.resource_id, c.kind, c.category,
  CASE WHEN c.counted THEN 'counted' WHEN c.kind = 'quota' THEN 'again' ELSE 'free' END,
  sesame_age_band(p.birth_date, p.birth_year, (c.at AT TIME ZONE 'Europe/Paris')::date), count(*)
FROM consultations c LEFT JOIN patrons p ON p.id = c.patron_id
GROUP BY 1, 2, 3, 4, 5, 6, 7;
--> statement-breakpoint
INSERT INTO stat_quota_use (month, library_id, category, used, patrons)
SELECT q.month, p.library_id, q.category, q.used, count(*)
FROM quota_usage q JOIN patrons p ON p.id = q.patron_id
WHERE q.used > 0
GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
-- sesame_consume_openings (0007) again, now also counting for the statistics.
CREATE OR REPLACE FUNCTION sesame_consume_openings(batch jsonb)
RETURNS TABLE (op int, outcome text, quota_used int, cap_used int, low_due boolean, high_due boolean, full_due boolean)
LANGUAGE plpgsql AS $$
DECLARE
  n int := jsonb_array_length(batch);
  o record;
  claims bigint[] := array_fill(null::bigint, array[n]);
  outcomes text[] := array_fill('again'::text, array[n]);
  quota_uses int[] := array_fill(null::int, array[n]);
  cap_uses int[] := array_fill(null::int, array[n]);
  lows boolean[] := array_fill(null::boolean, array[n]);
  highs boolean[] := array_fill(null::boolean, array[n]);
  fulls boolean[] := array_fill(null::boolean, array[n]);
  claim_id bigint;
  now_used int;
  is_low boolean;
  is_high boolean;
  is_full boolean;
  refused_rank int;
BEGIN
  IF (SELECT count(DISTINCT x.patron) FROM jsonb_to_recordset(batch) AS x(patron uuid)) <> n THEN
    RAISE EXCEPTION 'sesame_consume_openings: one opening per patron per batch';
  END IF;

  FOR o IN
    SELECT * FROM jsonb_to_recordset(batch) AS x(i int, patron uuid, library uuid, resource uuid,
      kind text, category text, document text, month text, at timestamptz)
    ORDER BY x.patron, x.resource, x.document, x.month
  LOOP
    claim_id := NULL;
    INSERT INTO consultations AS k (patron_id, library_id, resource_id, kind, category, document, month, counted, at)
    VALUES (o.patron, o.library, o.resource, o.kind, o.category, o.document, o.month, true, o.at)
    ON CONFLICT (patron_id, resource_id, document, month) WHERE counted DO NOTHING
    RETURNING k.id INTO claim_id;
    IF claim_id IS NULL THEN
      INSERT INTO consultations (patron_id, library_id, resource_id, kind, category, document, month, counted, at)
      VALUES (o.patron, o.library, o.resource, o.kind, o.category, o.document, o.month, false, o.at);
    ELSE
      claims[o.i] := claim_id;
      outcomes[o.i] := 'counted';
    END IF;
  END LOOP;

  FOR o IN
    SELECT * FROM jsonb_to_recordset(batch) AS x(i int, patron uuid, category text, month text, quota_limit int)
    WHERE x.quota_limit IS NOT NULL
    ORDER BY x.patron, x.category, x.month
  LOOP
    CONTINUE WHEN claims[o.i] IS NULL;
    now_used := NULL;
    INSERT INTO quota_usage AS q (patron_id, category, month, used)
    VALUES (o.patron, o.category, o.month, 1)
    ON CONFLICT (patron_id, category, month) DO UPDATE SET used = q.used + 1 WHERE q.used < o.quota_limit
    RETURNING q.used INTO now_used;
    IF now_used IS NULL THEN
      DELETE FROM consultations WHERE id = claims[o.i];
      claims[o.i] := NULL;
      outcomes[o.i] := 'quota';
    ELSE
      quota_uses[o.i] := now_used;
    END IF;
  END LOOP;

  FOR o IN
    SELECT * FROM jsonb_to_recordset(batch) AS x(i int, patron uuid, resource uuid, category text,
      month text, quota_limit int, cap_period text, cap_limit int)
    WHERE x.cap_limit IS NOT NULL
    ORDER BY x.resource, x.cap_period
  LOOP
    CONTINUE WHEN claims[o.i] IS NULL;
    now_used := NULL;
    INSERT INTO cap_usage AS c (resource_id, period, used)
    VALUES (o.resource, o.cap_period, 1)
    ON CONFLICT (resource_id, period) DO UPDATE SET used = c.used + 1 WHERE c.used < o.cap_limit
    RETURNING c.used, c.low_alert_at IS NULL, c.high_alert_at IS NULL, c.full_alert_at IS NULL
      INTO now_used, is_low, is_high, is_full;
    IF now_used IS NULL THEN
      IF o.quota_limit IS NOT NULL THEN
        UPDATE quota_usage AS q SET used = q.used - 1
        WHERE q.patron_id = o.patron AND q.category = o.category AND q.month = o.month AND q.used > 1;
        -- The row this opening created goes whole: nothing of the opening stays.
        IF NOT FOUND THEN
          DELETE FROM quota_usage AS q
          WHERE q.patron_id = o.patron AND q.category = o.category AND q.month = o.month;
        END IF;
      END IF;
      DELETE FROM consultations WHERE id = claims[o.i];
      claims[o.i] := NULL;
      outcomes[o.i] := 'cap';
      quota_uses[o.i] := NULL;
    ELSE
      cap_uses[o.i] := now_used;
      lows[o.i] := is_low;
      highs[o.i] := is_high;
      fulls[o.i] := is_full;
    END IF;
  END LOOP;

  -- Statistics (issue #16), in the same transaction: the month's openings by outcome and age band,
  -- the patrons per units used, and the refusals for a reached quota with their rank. Rows are
  -- written in key order, like the phases above.
  INSERT INTO stat_consultations AS s (month, library_id, resource_id, kind, category, outcome, age_band, n)
  SELECT x.month, x.library, x.resource, x.kind, x.category, outcomes[x.i],
    sesame_age_band(p.birth_date, p.birth_year, (x.at AT TIME ZONE 'Europe/Paris')::date), count(*)
  FROM jsonb_to_recordset(batch) AS x(i int, patron uuid, library uuid, resource uuid, kind text, category text,
    month text, at timestamptz)
  LEFT JOIN patrons p ON p.id = x.patron
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  ORDER BY 1, 2, 3, 5, 6, 7
  ON CONFLICT ON CONSTRAINT stat_consultations_key DO UPDATE SET n = s.n + excluded.n;

  INSERT INTO stat_consultations AS s (month, library_id, resource_id, kind, category, outcome, age_band, n)
  SELECT x.month, x.library, x.resource, x.kind, x.category, 'reached',
    sesame_age_band(p.birth_date, p.birth_year, (x.at AT TIME ZONE 'Europe/Paris')::date), count(*)
  FROM jsonb_to_recordset(batch) AS x(i int, patron uuid, library uuid, resource uuid, kind text, category text,
    month text, at timestamptz, quota_limit int)
  LEFT JOIN patrons p ON p.id = x.patron
  WHERE quota_uses[x.i] IS NOT NULL AND quota_uses[x.i] = x.quota_limit
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  ORDER BY 1, 2, 3, 5, 6, 7
  ON CONFLICT ON CONSTRAINT stat_consultations_key DO UPDATE SET n = s.n + excluded.n;

  INSERT INTO stat_quota_use AS u (month, library_id, category, used, patrons)
  SELECT x.month, x.library, x.category, step.used, sum(step.delta)
  FROM jsonb_to_recordset(batch) AS x(i int, library uuid, category text, month text)
  CROSS JOIN LATERAL (VALUES (quota_uses[x.i], 1), (quota_uses[x.i] - 1, -1)) AS step(used, delta)
  WHERE quota_uses[x.i] IS NOT NULL AND step.used > 0
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (month, library_id, category, used) DO UPDATE SET patrons = u.patrons + excluded.patrons;

  FOR o IN
    SELECT * FROM jsonb_to_recordset(batch) AS x(i int, patron uuid, library uuid, category text, document text,
      month text, quota_limit int)
    WHERE outcomes[x.i] = 'quota'
    ORDER BY x.library, x.category, x.month, x.patron
  LOOP
    INSERT INTO quota_refused_documents AS r (patron_id, category, month, document, rank)
    VALUES (o.patron, o.category, o.month, o.document, 1 + (SELECT count(*) FROM quota_refused_documents q
      WHERE q.patron_id = o.patron AND q.category = o.category AND q.month = o.month))
    ON CONFLICT (patron_id, category, month, document) DO UPDATE SET rank = r.rank
    RETURNING r.rank INTO refused_rank;
    INSERT INTO stat_quota_refusals AS f (month, library_id, category, quota_limit, rank, n)
    VALUES (o.month, o.library, o.category, o.quota_limit, refused_rank, 1)
    ON CONFLICT (month, library_id, category, quota_limit, rank) DO UPDATE SET n = f.n + 1;
  END LOOP;

  RETURN QUERY
    SELECT s, outcomes[s], quota_uses[s], cap_uses[s], lows[s], highs[s], fulls[s]
    FROM generate_series(1, n) AS s;
END
$$;
