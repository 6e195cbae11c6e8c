-- 022-ticket-read.sql: show and timeline of an archived ticket through one plpgsql function, whose statement's plan PostgreSQL keeps for the session instead of planning it again for every read.

-- A ticket and its history as archive-read.c reads them: a row per history
-- entry, oldest first (one row with a NULL entry when there is none); the
-- fields (the Redis hash as JSON) as text in the first row only; whether it
-- left Redis and its state in every row. No row: no such ticket.
CREATE OR REPLACE FUNCTION hotline.ticket_read(wanted text)
RETURNS TABLE (r_fields text, r_entry text, r_evicted boolean, r_state smallint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN QUERY
	SELECT CASE WHEN row_number() OVER (ORDER BY h.position) = 1
	    THEN t.fields::text END, h.entry::text, t.evicted_at IS NOT NULL,
	    t.state
	FROM hotline.tickets t LEFT JOIN hotline.history h ON h.number = t.number
	WHERE t.number = wanted ORDER BY h.position;
END
$$;

-- The daemon (its owner) calls it; nobody else needs to.
REVOKE ALL ON FUNCTION hotline.ticket_read(text) FROM PUBLIC;
