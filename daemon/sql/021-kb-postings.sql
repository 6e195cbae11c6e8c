-- 021-kb-postings.sql: the knowledge base's inverted index (倒排表): one row per term of every published version with the term's weight there, so a search sums its terms' weights from one index instead of ranking thousands of candidates' tsvectors.

-- A version's short key for the index.
ALTER TABLE hotline.kb_versions ADD COLUMN vid serial;
CREATE UNIQUE INDEX kb_versions_vid ON hotline.kb_versions (vid);

-- w is where the term occurs in version vid: title 2 + 常见问法 1.5 + answer
-- 1 (the ranking's weights: a term in all three weighs 4.5). Only published
-- versions have rows (kept by the trigger below).
CREATE TABLE hotline.kb_postings (
	term		text NOT NULL,
	vid		integer NOT NULL,
	w		real NOT NULL,
	PRIMARY KEY (term, vid) INCLUDE (w)
);

-- The weight of a tsvector entry's weights (A title, B questions, C answer).
CREATE FUNCTION hotline.kb_weight(weights text[]) RETURNS real
LANGUAGE sql IMMUTABLE AS $$
	SELECT (CASE WHEN 'A' = ANY(weights) THEN 2.0 ELSE 0 END +
		CASE WHEN 'B' = ANY(weights) THEN 1.5 ELSE 0 END +
		CASE WHEN 'C' = ANY(weights) THEN 1.0 ELSE 0 END)::real
$$;

-- Postings follow every version's status and terms.
CREATE FUNCTION hotline.kb_postings_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND OLD.status = 'published' THEN
		DELETE FROM hotline.kb_postings p WHERE p.vid = OLD.vid;
	END IF;
	IF NEW.status = 'published' THEN
		INSERT INTO hotline.kb_postings (term, vid, w)
		SELECT u.lexeme, NEW.vid, hotline.kb_weight(u.weights)
		FROM unnest(NEW.terms) u
		ON CONFLICT (term, vid) DO UPDATE SET w = EXCLUDED.w;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER kb_versions_postings AFTER INSERT OR UPDATE OF status, terms
	ON hotline.kb_versions FOR EACH ROW EXECUTE FUNCTION hotline.kb_postings_sync();

INSERT INTO hotline.kb_postings (term, vid, w)
SELECT u.lexeme, v.vid, hotline.kb_weight(u.weights)
FROM hotline.kb_versions v CROSS JOIN LATERAL unnest(v.terms) u
WHERE v.status = 'published';

-- Facts about the stored terms: 'words', the fingerprint of the user word
-- list they were made with (kb-words.c); another list re-terms them
-- (kb-reindex.c).
CREATE TABLE hotline.kb_meta (
	key		text PRIMARY KEY,
	value		text NOT NULL
);
