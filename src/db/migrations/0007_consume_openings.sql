-- Openings of counted documents are consumed in batches: one call, one transaction and one
-- commit serve every opening that arrived while the previous batch was running (group commit).
-- The caller sends at most one opening per patron in a batch, so that no opening of the batch
-- can change what another one finds.
--
-- Each opening, numbered from 1 in `op`:
--   1. claims its counted consultation (the partial unique index makes a parallel claim of the
--      same document wait, then find the row: the opening is recorded "not counted", `again`);
--   2. takes one unit of its monthly quota while under the limit, otherwise gives its claim
--      back (`quota`);
--   3. takes one unit of its network cap while under the limit, otherwise gives back its quota
--      unit and its claim (`cap`).
-- Rows are locked phase by phase, each phase in key order (claims, then quota rows, then cap
-- rows): two batches, from any number of instances, never wait on each other in a cycle.
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

  RETURN QUERY
    SELECT s, outcomes[s], quota_uses[s], cap_uses[s], lows[s], highs[s], fulls[s]
    FROM generate_series(1, n) AS s;
END
$$;
