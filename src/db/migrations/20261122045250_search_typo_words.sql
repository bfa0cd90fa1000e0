CREATE TABLE "search_words" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
DROP INDEX "dataset_search_title_trgm_idx";--> statement-breakpoint
CREATE INDEX "search_words_trgm_idx" ON "search_words" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
-- Typos are forgiven word by word: each query word may also be one of its three closest title words
-- (pg_trgm similarity, default threshold 0.3), and the search runs again as full text — on titles only.
-- The words come from each document's title lexemes (weight A: title and English title).
CREATE OR REPLACE FUNCTION mekong_title_words(document tsvector) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN ARRAY(SELECT w FROM unnest(tsvector_to_array(ts_filter(document, '{a}'))) AS w WHERE w ~ '^[a-z0-9]{3,}$');--> statement-breakpoint
CREATE OR REPLACE FUNCTION mekong_search_words_sync() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word)
  SELECT w FROM unnest(mekong_title_words(NEW.document)) AS w
   WHERE NOT EXISTS (SELECT 1 FROM search_words s WHERE s.word = w)
   ORDER BY w
  ON CONFLICT (word) DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER dataset_search_words_sync AFTER INSERT OR UPDATE OF document ON dataset_search
  FOR EACH ROW EXECUTE FUNCTION mekong_search_words_sync();--> statement-breakpoint
-- The forgiving query: every word as itself or one of its closest title words, all in the title, the
-- last as a prefix.
CREATE OR REPLACE FUNCTION mekong_typo_query(words text[]) RETURNS tsquery
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN to_tsquery('simple', coalesce((
    SELECT string_agg('(' || alternatives || ')', ' & ' ORDER BY i)
      FROM (SELECT w.i, (
              SELECT string_agg(quote_literal(c.word) || CASE WHEN w.i = cardinality(words) THEN ':*A' ELSE ':A' END, ' | ')
                FROM (SELECT mekong_fold(w.word) AS word
                      UNION
                      (SELECT s.word FROM search_words AS s
                        WHERE s.word % mekong_fold(w.word)
                        ORDER BY similarity(s.word, mekong_fold(w.word)) DESC, s.word
                        LIMIT 3)) AS c) AS alternatives
              FROM unnest(words) WITH ORDINALITY AS w(word, i)) AS per_word), ''));--> statement-breakpoint
INSERT INTO search_words (word)
SELECT DISTINCT w FROM dataset_search AS s CROSS JOIN LATERAL unnest(mekong_title_words(s.document)) AS w
ON CONFLICT (word) DO NOTHING;
