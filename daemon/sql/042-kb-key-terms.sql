-- 042-kb-key-terms.sql: each version's key terms (its title's and 常见问法's terms as a query's) stored with it, made once by hotlined when it stores the version (import, draft, re-terming), so that judging a search's hit (kb_key_coverage) no longer segments them again on hotlined's loop for every hit of every search.

-- The title's terms, then for each 常见问法 '' and its terms, each text's
-- in the order kb_terms_query gives them (kb-keys.c). NULL: not made yet
-- (a version stored before this column). Such a hit is judged by
-- segmenting it as before, with the same result, until hotlined re-terms
-- the versions at its next start (the fingerprint of its words changed
-- with this column: kb-words.c, kb-reindex.c).
ALTER TABLE hotline.kb_versions ADD COLUMN key_terms text[];

-- A JSON array of strings as a text[], in its order (NULL for NULL).
CREATE FUNCTION hotline.kb_text_array(a jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN a IS NULL OR jsonb_typeof(a) <> 'array' THEN NULL
		ELSE ARRAY(SELECT e FROM jsonb_array_elements_text(a)
			WITH ORDINALITY t(e, i) ORDER BY t.i) END
$$;

-- kb_draft (031-kb-why-zh.sql) storing the draft's key terms too
-- (p_row's key_terms), in the same transaction.
CREATE FUNCTION hotline.kb_draft_keyed(p_id text, p_dept text, p_principal text,
	p_role smallint, p_row jsonb, OUT result text, OUT why text,
	OUT version integer)
LANGUAGE plpgsql AS $$
BEGIN
	SELECT d.result, d.why, d.version INTO result, why, version
	FROM hotline.kb_draft(p_id, p_dept, p_principal, p_role, p_row) d;
	IF result = 'ok' THEN
		UPDATE hotline.kb_versions v
		SET key_terms = hotline.kb_text_array(p_row->'key_terms')
		WHERE v.id = p_id AND v.version = kb_draft_keyed.version;
	END IF;
END
$$;
