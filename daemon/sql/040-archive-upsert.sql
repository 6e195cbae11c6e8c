-- 040-archive-upsert.sql: the archiver's batch as one function, whose statements' plans PostgreSQL keeps for the session instead of parsing and planning them again for every batch; the Redis hash and history entries compressed with lz4 rather than pglz.

-- A batch (archive-batch.c): p_tickets a JSON array of ticket rows, each
-- replacing an archived row only with a higher version; p_history a JSON
-- array of history rows, each written once by (number, position). Called
-- as one statement, so it is one transaction: both are committed or
-- neither. Answers the counts of rows written.
CREATE OR REPLACE FUNCTION hotline.archive_upsert(p_tickets jsonb, p_history jsonb,
	OUT tickets bigint, OUT history bigint)
LANGUAGE plpgsql AS $$
BEGIN
	WITH t AS (
		INSERT INTO hotline.tickets AS o (number, version, state, dept,
		    assists, type, urgency, channel, confidential, caller_phone,
		    caller_name, district, street, address, title, content,
		    category, warned, overdue, created_at, updated_at, closed_at,
		    fields, terms, terms_stale)
		SELECT x.number, x.version, x.state, x.dept,
		    string_to_array(x.assists, ','), x.type, x.urgency, x.channel,
		    x.confidential, x.caller_phone, x.caller_name, x.district,
		    x.street, x.address, x.title, x.content, x.category, x.warned,
		    x.overdue, to_timestamp(x.created_at / 1000.0),
		    to_timestamp(x.updated_at / 1000.0),
		    to_timestamp(x.closed_at / 1000.0), x.fields, x.terms::tsvector,
		    false
		FROM jsonb_to_recordset(p_tickets) AS x(number text, version bigint,
		    state smallint, dept text, assists text, type smallint,
		    urgency smallint, channel smallint, confidential boolean,
		    caller_phone text, caller_name text, district text, street text,
		    address text, title text, content text, category text,
		    warned boolean, overdue boolean, created_at bigint,
		    updated_at bigint, closed_at bigint, fields jsonb, terms text)
		ON CONFLICT (number) DO UPDATE SET version = EXCLUDED.version,
		    state = EXCLUDED.state, dept = EXCLUDED.dept,
		    assists = EXCLUDED.assists, type = EXCLUDED.type,
		    urgency = EXCLUDED.urgency, channel = EXCLUDED.channel,
		    confidential = EXCLUDED.confidential,
		    caller_phone = EXCLUDED.caller_phone,
		    caller_name = EXCLUDED.caller_name,
		    district = EXCLUDED.district, street = EXCLUDED.street,
		    address = EXCLUDED.address, title = EXCLUDED.title,
		    content = EXCLUDED.content, category = EXCLUDED.category,
		    warned = EXCLUDED.warned, overdue = EXCLUDED.overdue,
		    created_at = EXCLUDED.created_at,
		    updated_at = EXCLUDED.updated_at,
		    closed_at = EXCLUDED.closed_at, fields = EXCLUDED.fields,
		    terms = EXCLUDED.terms, terms_stale = false,
		    archived_at = now()
		WHERE o.version < EXCLUDED.version
		RETURNING 1)
	SELECT count(*) INTO tickets FROM t;
	WITH h AS (
		INSERT INTO hotline.history (number, position, at, principal,
		    role, action, from_state, to_state, note, dept, entry)
		SELECT y.number, y.position, to_timestamp(y.at / 1000.0),
		    y.principal, y.role, y.action, y.from_state, y.to_state, y.note,
		    y.dept, y.entry
		FROM jsonb_to_recordset(p_history) AS y(number text,
		    position integer, at bigint, principal text, role smallint,
		    action text, from_state smallint, to_state smallint, note text,
		    dept text, entry jsonb)
		ON CONFLICT (number, position) DO NOTHING
		RETURNING 1)
	SELECT count(*) INTO history FROM h;
END
$$;

-- The daemon (its owner) calls it; nobody else needs to.
REVOKE ALL ON FUNCTION hotline.archive_upsert(jsonb, jsonb) FROM PUBLIC;

-- A ticket's hash (fields, about 2.5 kB) is compressed on every write:
-- lz4 costs a fraction of pglz's CPU. New rows only; a PostgreSQL built
-- without lz4 keeps pglz.
DO $$
BEGIN
	ALTER TABLE hotline.tickets ALTER COLUMN fields SET COMPRESSION lz4;
	ALTER TABLE hotline.history ALTER COLUMN entry SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
	RAISE NOTICE 'hotline: PostgreSQL without lz4: the archive keeps pglz';
END
$$;
