CREATE TABLE "search_terms" (
	"code" integer PRIMARY KEY NOT NULL,
	"term" text NOT NULL,
	CONSTRAINT "search_terms_term_unique" UNIQUE("term")
);
--> statement-breakpoint
ALTER TABLE "dataset_search" ADD COLUMN "codes" integer[] DEFAULT '{}'::integer[] NOT NULL;--> statement-breakpoint
-- Facet values as integers for counting (hashing integers is about twice as fast as hashing text).
CREATE SEQUENCE IF NOT EXISTS search_terms_serial;--> statement-breakpoint
-- The facet number of a `facet:value` term (the code's high bits); 0 for none.
CREATE OR REPLACE FUNCTION mekong_facet_number(term text) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE split_part(term, ':', 1)
    WHEN 'org' THEN 1 WHEN 'theme' THEN 2 WHEN 'format' THEN 3 WHEN 'licence' THEN 4
    WHEN 'classification' THEN 5 WHEN 'personalData' THEN 6 WHEN 'frequency' THEN 7
    WHEN 'province' THEN 8 WHEN 'keyword' THEN 9 ELSE 0 END;--> statement-breakpoint
-- Codes for these terms, numbering the ones not seen before.
CREATE OR REPLACE FUNCTION mekong_term_codes(terms text[]) RETURNS integer[]
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_terms (code, term)
  SELECT mekong_facet_number(t) * 16777216 + nextval('search_terms_serial')::integer, t
    FROM unnest(terms) AS t
   WHERE NOT EXISTS (SELECT 1 FROM search_terms s WHERE s.term = t)
   ORDER BY t
  ON CONFLICT (term) DO NOTHING;
  RETURN ARRAY(SELECT code FROM search_terms WHERE term = ANY(terms) ORDER BY code);
END $$;--> statement-breakpoint
-- The search trigger's function, now also writing the codes.
CREATE OR REPLACE FUNCTION mekong_dataset_search_refresh(d datasets) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  org_name text;
  formats text[];
  new_terms text[];
  before dataset_search%ROWTYPE;
  after dataset_search%ROWTYPE;
BEGIN
  SELECT * INTO before FROM dataset_search WHERE dataset_id = d.id;
  IF d.deleted_at IS NOT NULL THEN
    DELETE FROM dataset_search WHERE dataset_id = d.id;
  ELSE
    SELECT name INTO org_name FROM organizations WHERE id = d.org_id;
    SELECT coalesce(array_agg(DISTINCT lower(v.source ->> 'format')) FILTER (WHERE v.source ->> 'format' IS NOT NULL), '{}')
      INTO formats
      FROM dataset_versions v
     WHERE v.dataset_id = d.id AND v.n <= d.current_version
       AND v.n >= coalesce((SELECT max(r.n) FROM dataset_versions r
                             WHERE r.dataset_id = d.id AND r.n <= d.current_version AND r.mode = 'replace'), 1);
    new_terms := ARRAY(
      SELECT DISTINCT term FROM (
        SELECT 'org:' || org_name
        UNION ALL SELECT 'theme:' || x FROM jsonb_array_elements_text(
          CASE WHEN jsonb_typeof(d.metadata -> 'themes') = 'array' THEN d.metadata -> 'themes' ELSE '[]' END) AS x
        UNION ALL SELECT 'format:' || x FROM unnest(formats) AS x
        UNION ALL SELECT 'licence:' || (d.metadata ->> 'licence')
        UNION ALL SELECT 'classification:' || (d.metadata ->> 'classification')
        UNION ALL SELECT 'personalData:' || (d.metadata ->> 'personalData')
        UNION ALL SELECT 'frequency:' || (d.metadata ->> 'frequency')
        UNION ALL SELECT 'province:' || x FROM jsonb_array_elements_text(
          CASE WHEN jsonb_typeof(d.metadata -> 'spatial') = 'array' THEN d.metadata -> 'spatial' ELSE '[]' END) AS x
        UNION ALL SELECT 'keyword:' || x FROM jsonb_array_elements_text(
          CASE WHEN jsonb_typeof(d.metadata -> 'keywords') = 'array' THEN d.metadata -> 'keywords' ELSE '[]' END) AS x
      ) AS t(term) WHERE term IS NOT NULL ORDER BY term
    );
    INSERT INTO dataset_search (dataset_id, org_id, is_open, updated_at, title_folded, document, terms, codes)
    VALUES (
      d.id, d.org_id, d.visibility = 'open', d.updated_at, mekong_fold(d.title),
      mekong_dataset_document(d.title, d.metadata, d.description, d.table_schema),
      new_terms,
      CASE WHEN new_terms IS NOT DISTINCT FROM before.terms THEN before.codes ELSE mekong_term_codes(new_terms) END
    )
    ON CONFLICT (dataset_id) DO UPDATE SET
      org_id = excluded.org_id, is_open = excluded.is_open, updated_at = excluded.updated_at,
      title_folded = excluded.title_folded, document = excluded.document, terms = excluded.terms,
      codes = excluded.codes
    RETURNING * INTO after;
  END IF;
  IF before.org_id IS NOT DISTINCT FROM after.org_id AND before.is_open IS NOT DISTINCT FROM after.is_open
     AND before.terms IS NOT DISTINCT FROM after.terms THEN
    RETURN;
  END IF;
  INSERT INTO dataset_facet_counts AS c (org_id, is_open, term, n)
  SELECT counter.org_id, changes.is_open, changes.term, sum(changes.delta)::int FROM (
    SELECT before.org_id, before.is_open, t, -1 FROM unnest(before.terms) AS t WHERE before.dataset_id IS NOT NULL
    UNION ALL
    SELECT after.org_id, after.is_open, t, 1 FROM unnest(after.terms) AS t WHERE after.dataset_id IS NOT NULL
  ) AS changes(org_id, is_open, term, delta)
  CROSS JOIN LATERAL (VALUES (changes.org_id), ('00000000-0000-0000-0000-000000000000'::uuid)) AS counter(org_id)
  GROUP BY 1, 2, 3 HAVING sum(changes.delta) <> 0
  ORDER BY 1, 2, 3
  ON CONFLICT (org_id, is_open, term) DO UPDATE SET n = c.n + excluded.n;
END $$;--> statement-breakpoint
INSERT INTO search_terms (code, term)
SELECT mekong_facet_number(t) * 16777216 + nextval('search_terms_serial')::integer, t
  FROM (SELECT DISTINCT unnest(terms) AS t FROM dataset_search ORDER BY 1) AS all_terms;--> statement-breakpoint
UPDATE dataset_search AS s
   SET codes = ARRAY(SELECT t.code FROM search_terms t WHERE t.term = ANY(s.terms) ORDER BY t.code);
