-- Custom SQL migration file, put your code below! --
-- Only words no title has are corrected: a word some title has (for the last word: the start of one)
-- stays as it is, so a typo in one word does not blur the others ("mai" is not also "mac" or "mam"), and
-- so does a word shorter than the title words kept (3 letters). An unknown word's alternatives are its
-- three closest title words by trigrams, plus the title words it becomes by swapping two neighbouring
-- letters (trigrams miss those in short words: "xnag" → "xang").
CREATE OR REPLACE FUNCTION mekong_typo_query(words text[]) RETURNS tsquery
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN to_tsquery('simple', coalesce((
    SELECT string_agg('(' || alternatives || ')', ' & ' ORDER BY i)
      FROM (SELECT w.i, (
              SELECT string_agg(quote_literal(c.word) || CASE WHEN w.last THEN ':*A' ELSE ':A' END, ' | ')
                FROM (SELECT w.folded AS word
                      UNION
                      (SELECT s.word FROM search_words AS s
                        WHERE w.unknown AND s.word % w.folded
                        ORDER BY similarity(s.word, w.folded) DESC, s.word
                        LIMIT 3)
                      UNION
                      SELECT s.word FROM search_words AS s
                       WHERE w.unknown AND s.word IN (
                         SELECT substr(w.folded, 1, k - 1) || substr(w.folded, k + 1, 1) || substr(w.folded, k, 1)
                                || substr(w.folded, k + 2)
                           FROM generate_series(1, length(w.folded) - 1) AS k)) AS c) AS alternatives
              FROM (SELECT t.i, t.folded, t.last,
                           length(t.folded) >= 3 AND NOT EXISTS (SELECT 1 FROM search_words AS known
                                        WHERE known.word = t.folded
                                           OR (t.last AND known.word LIKE t.folded || '%')) AS unknown
                      FROM (SELECT u.i, mekong_fold(u.word) AS folded, u.i = cardinality(words) AS last
                              FROM unnest(words) WITH ORDINALITY AS u(word, i)) AS t) AS w) AS per_word), ''));
