-- Staff search ignores case and accents ("zoe lefevre" finds "Zoé N'Diaye-Lefèvre").
-- unaccent() is only STABLE; wrapping it with an explicit dictionary makes it IMMUTABLE so it can be indexed.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sesame_fold(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;
