-- 020-kb-notices.sql: the knowledge base's notices to owner departments (an agent's flag, an article about to expire), kept until delivered to the owner's feed once; and the search's misses (no good match), counted as gaps.
-- Numbered 020 to leave 012..019 to the archive's own migrations.

-- One notice per event; key makes a notice once ('flag:<history position>',
-- 'expiring:<id>:<version>:<valid_until>'), whichever daemon notices it.
-- delivered_at is set once the owner's feed holds it (kb-notice.c; the feed
-- entry itself is made once, by the key, in Redis).
CREATE TABLE hotline.kb_notices (
	seq		bigserial PRIMARY KEY,
	key		text NOT NULL UNIQUE,
	kind		text NOT NULL CHECK (kind IN ('flag', 'expiring')),
	owner		text NOT NULL,
	id		text NOT NULL,
	version		integer NOT NULL,
	principal	text NOT NULL,		-- who flagged, or 'hotlined'
	note		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	delivered_at	timestamptz
);
CREATE INDEX kb_notices_pending ON hotline.kb_notices (seq)
	WHERE delivered_at IS NULL;

-- A flag (纠错) becomes a notice for the article's owner in the same
-- transaction as the step.
CREATE FUNCTION hotline.kb_notice_flag() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO hotline.kb_notices (key, kind, owner, id, version, principal, note)
	SELECT 'flag:' || NEW.id || ':' || NEW.position, 'flag', a.owner, NEW.id,
		NEW.version, NEW.principal, NEW.note
	FROM hotline.kb_articles a WHERE a.id = NEW.id
	ON CONFLICT (key) DO NOTHING;
	RETURN NULL;
END
$$;

CREATE TRIGGER kb_history_flag AFTER INSERT ON hotline.kb_history
	FOR EACH ROW WHEN (NEW.action = 'flag')
	EXECUTE FUNCTION hotline.kb_notice_flag();

-- Searches without a good match (无匹配): their words, for the gaps report.
CREATE TABLE hotline.kb_misses (
	at		timestamptz NOT NULL DEFAULT now(),
	terms		text[] NOT NULL
);
CREATE INDEX kb_misses_at ON hotline.kb_misses (at);
