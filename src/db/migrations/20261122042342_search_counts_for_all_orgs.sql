DROP INDEX "dataset_search_updated_idx";--> statement-breakpoint
CREATE INDEX "dataset_search_updated_idx" ON "dataset_search" USING btree ("updated_at" DESC NULLS LAST,"dataset_id" DESC NULLS LAST);--> statement-breakpoint
-- The facet counts are kept for all organizations together as well (org_id 00000000-…), so the catalog's
-- front page sums a few hundred counters instead of one set per organization. Newest first by
-- (updated_at, dataset_id) both descending, as the search pages them (the index above).
CREATE OR REPLACE FUNCTION mekong_dataset_search_refresh(d datasets) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  org_name text;
  formats text[];
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
    INSERT INTO dataset_search (dataset_id, org_id, is_open, updated_at, title_folded, document, terms)
    VALUES (
      d.id, d.org_id, d.visibility = 'open', d.updated_at, mekong_fold(d.title),
      mekong_dataset_document(d.title, d.metadata, d.description, d.table_schema),
      ARRAY(
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
      )
    )
    ON CONFLICT (dataset_id) DO UPDATE SET
      org_id = excluded.org_id, is_open = excluded.is_open, updated_at = excluded.updated_at,
      title_folded = excluded.title_folded, document = excluded.document, terms = excluded.terms
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
INSERT INTO dataset_facet_counts (org_id, is_open, term, n)
SELECT '00000000-0000-0000-0000-000000000000'::uuid, s.is_open, t, count(*)::int
  FROM dataset_search AS s CROSS JOIN LATERAL unnest(s.terms) AS t
 GROUP BY 2, 3;
