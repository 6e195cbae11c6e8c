-- 010-kb.sql: the knowledge base (政策咨询知识库): articles owned by departments, every version kept, each version's search terms, and every step in the article's history.
-- Numbered 010 so that the archive's own migrations may take 004..009.

-- One row per article; its versions are in kb_versions. status is the
-- article's: draft, review, published or retired.
CREATE TABLE hotline.kb_articles (
	id		text PRIMARY KEY,	-- stable id, shared across platforms ("kb-rsj-0001")
	owner		text NOT NULL,		-- the owning department's id
	status		text NOT NULL CHECK (status IN ('draft', 'review', 'published', 'retired')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);

-- Every version, never rewritten once published. terms are the version's
-- search terms (kb-terms.c: segmented words, weighted A title, B questions,
-- C answer), 'simple' configuration; keys the same without the answer.
CREATE TABLE hotline.kb_versions (
	id		text NOT NULL REFERENCES hotline.kb_articles (id),
	version		integer NOT NULL CHECK (version > 0),
	status		text NOT NULL CHECK (status IN ('draft', 'review', 'published', 'retired')),
	title		text NOT NULL,
	questions	text[] NOT NULL,	-- 常见问法
	answer		text NOT NULL,
	basis		jsonb NOT NULL,		-- 政策依据 [{document, number, issuer, date}]
	major		text NOT NULL,		-- category code (大类) or ''
	districts	text[] NOT NULL,	-- {} the whole city
	valid_from	date,
	valid_until	date,			-- NULL open-ended
	links		jsonb NOT NULL,		-- [{title, url}]
	terms		tsvector NOT NULL,
	keys		tsvector NOT NULL,	-- the terms of title and questions only
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (id, version)
);

-- Candidates are found by keys (small, kept inline): only the few scored
-- in full have their whole terms read.
CREATE INDEX kb_versions_keys ON hotline.kb_versions USING gin (keys)
	WHERE status = 'published';

-- How many published versions hold each term: the ranking's inverse
-- document frequency (kept by the trigger below).
CREATE TABLE hotline.kb_df (
	term		text PRIMARY KEY,
	df		integer NOT NULL
);

-- Every step of an article (全程留痕), append-only.
CREATE TABLE hotline.kb_history (
	id		text NOT NULL REFERENCES hotline.kb_articles (id),
	position	serial,
	at		timestamptz NOT NULL DEFAULT now(),
	principal	text NOT NULL,
	role		smallint NOT NULL,	-- Role of proto/hotline.proto
	action		text NOT NULL,		-- import, draft, submit, publish, send_back, flag, retire
	version		integer NOT NULL,
	note		text NOT NULL,
	PRIMARY KEY (id, position)
);

-- kb_df follows every published version's terms; the term '' counts the
-- published versions themselves (the ranking's N).
CREATE FUNCTION hotline.kb_df_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND OLD.status = 'published' THEN
		UPDATE hotline.kb_df d SET df = d.df - 1
		FROM unnest(array_append(tsvector_to_array(OLD.terms), '')) t
		WHERE d.term = t;
	END IF;
	IF NEW.status = 'published' THEN
		INSERT INTO hotline.kb_df (term, df)
		SELECT t, 1 FROM unnest(array_append(tsvector_to_array(NEW.terms), '')) t
		ON CONFLICT (term) DO UPDATE SET df = hotline.kb_df.df + 1;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER kb_versions_df AFTER INSERT OR UPDATE OF status, terms
	ON hotline.kb_versions FOR EACH ROW EXECUTE FUNCTION hotline.kb_df_count();
