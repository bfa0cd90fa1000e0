-- Search (see docs/search.md). Hand-written parts: the extensions, the folding and document functions, the
-- trigger that keeps dataset_search in step with datasets, and the backfill of existing datasets.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
-- Lowercase, NFC, no diacritics. unaccent() is STABLE (its dictionary could change), so this wrapper names
-- the dictionary explicitly and is declared IMMUTABLE to be usable in indexes. unaccent.rules maps đ/Đ
-- in current PostgreSQL, but not every rules file does: translate() makes sure of it.
CREATE OR REPLACE FUNCTION mekong_fold(input text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(public.unaccent('public.unaccent'::regdictionary, translate(normalize(input, NFC), 'đĐ', 'dD')));--> statement-breakpoint
-- The text of a JSON array of strings, space-separated ('' for anything else).
CREATE OR REPLACE FUNCTION mekong_json_words(value jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN jsonb_typeof(value) = 'array'
    THEN coalesce((SELECT string_agg(e, ' ') FROM jsonb_array_elements_text(value) AS e), '') ELSE '' END;--> statement-breakpoint
-- Column names and titles of a Table Schema ('' without one). Names like ma_tinh split into words.
CREATE OR REPLACE FUNCTION mekong_schema_words(table_schema jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN jsonb_typeof(table_schema -> 'fields') = 'array'
    THEN coalesce((SELECT string_agg(concat_ws(' ', f ->> 'name', f ->> 'title'), ' ')
                   FROM jsonb_array_elements(table_schema -> 'fields') AS f), '') ELSE '' END;--> statement-breakpoint
-- The weighted search document: A title (vi, en), B keywords, C description (vi, en), D column names/titles.
CREATE OR REPLACE FUNCTION mekong_dataset_document(title text, metadata jsonb, description text, table_schema jsonb)
  RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN setweight(to_tsvector('simple', mekong_fold(concat_ws(' ', title, metadata ->> 'titleEn'))), 'A')
      || setweight(to_tsvector('simple', mekong_fold(mekong_json_words(metadata -> 'keywords'))), 'B')
      || setweight(to_tsvector('simple', mekong_fold(concat_ws(' ', description, metadata ->> 'descriptionEn'))), 'C')
      || setweight(to_tsvector('simple', mekong_fold(mekong_schema_words(table_schema))), 'D');--> statement-breakpoint
-- A search query from the words a user typed: every word must match, the last one as a prefix (typing).
CREATE OR REPLACE FUNCTION mekong_search_query(words text[]) RETURNS tsquery
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN to_tsquery('simple', coalesce((
    SELECT string_agg(quote_literal(mekong_fold(w)) || CASE WHEN i = cardinality(words) THEN ':*' ELSE '' END, ' & ' ORDER BY i)
    FROM unnest(words) WITH ORDINALITY AS t(w, i)), ''));--> statement-breakpoint
CREATE TABLE "dataset_search" (
	"dataset_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"is_open" boolean NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"title_folded" text NOT NULL,
	"document" "tsvector" NOT NULL,
	"terms" text[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dataset_search" ADD CONSTRAINT "dataset_search_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dataset_search_document_idx" ON "dataset_search" USING gin ("document");--> statement-breakpoint
CREATE INDEX "dataset_search_terms_idx" ON "dataset_search" USING gin ("terms");--> statement-breakpoint
CREATE INDEX "dataset_search_title_trgm_idx" ON "dataset_search" USING gin ("title_folded" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "dataset_search_updated_idx" ON "dataset_search" USING btree ("updated_at" DESC NULLS LAST,"dataset_id");--> statement-breakpoint
CREATE INDEX "dataset_search_title_idx" ON "dataset_search" USING btree ("title_folded","dataset_id");--> statement-breakpoint
-- (Re)computes the search document of one dataset, or removes it once the dataset is deleted.
-- Formats are those of the current version's content: the versions since (and including) the last
-- full replace, as recorded in their source (a schema-only version has none of its own).
CREATE OR REPLACE FUNCTION mekong_dataset_search_refresh(d datasets) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  org_name text;
  formats text[];
BEGIN
  IF d.deleted_at IS NOT NULL THEN
    DELETE FROM dataset_search WHERE dataset_id = d.id;
    RETURN;
  END IF;
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
      ) AS t(term) WHERE term IS NOT NULL
    )
  )
  ON CONFLICT (dataset_id) DO UPDATE SET
    org_id = excluded.org_id, is_open = excluded.is_open, updated_at = excluded.updated_at,
    title_folded = excluded.title_folded, document = excluded.document, terms = excluded.terms;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION mekong_dataset_search_sync() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mekong_dataset_search_refresh(NEW);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER datasets_search_sync AFTER INSERT OR UPDATE ON datasets
  FOR EACH ROW EXECUTE FUNCTION mekong_dataset_search_sync();--> statement-breakpoint
SELECT mekong_dataset_search_refresh(d) FROM datasets AS d;
