/* The knowledge base's SQL statements, in one place. */
#include "kb-sql.h"

/*
 * Search: $1 the query's informative terms (text[]), $2 a district or '',
 * $3 the number of articles, $4 the id of the district's government or ''.
 * The ranking is hotline.kb_search (030-kb-search.sql), its statements'
 * plans kept by the connection; this joins what a hit shows and what
 * judges it (kb_key_coverage_row): its key terms joined by spaces (the
 * keys' lexemes for a version stored without them), the number of
 * versions + 1, the document frequencies of those terms ("term df ...",
 * from one index scan, as many as before key terms were stored), and
 * whether it has them.
 */
const char kb_search_sql[] =
"SELECT v.id, v.version, s.score, s.coverage,"
"  v.title, a.owner, v.answer, array_to_json(v.questions)::text,"
"  coalesce(v.valid_until::text, ''), v.basis::text, s.matched,"
"  array_to_string(k.terms, ' '),"
"  (SELECT coalesce(max(d.df), 0) + 1 FROM hotline.kb_df d WHERE d.term = ''),"
"  (SELECT coalesce(string_agg(d.term || ' ' || d.df, ' '), '')"
"   FROM hotline.kb_df d WHERE d.term = ANY(k.terms) AND d.term <> ''),"
"  v.key_terms IS NOT NULL"
" FROM hotline.kb_search($1::text[], $2, $3::int, $4, " KB_IDF_MIN ", "
KB_SEEDS ", " KB_PER_TERM ", " KB_PARTIAL ", " KB_CANDIDATES ") s"
" JOIN hotline.kb_versions v ON v.vid = s.vid"
" JOIN hotline.kb_articles a ON a.id = v.id"
" CROSS JOIN LATERAL (SELECT coalesce(v.key_terms,"
"  tsvector_to_array(v.keys)) AS terms) k"
" ORDER BY s.score DESC, v.id";

/*
 * Import: $1 the articles [{id, owner, status}], $2 their versions (with
 * their terms, keys and key terms), $3 the principal, $4 its role, $5 refusals made before
 * ([{id, why}]). An id already known is left alone. Answers one row per
 * article: id, "added" (with its number of versions), "known" or
 * "refused" (with why).
 */
const char kb_import_sql[] =
"WITH a AS (INSERT INTO hotline.kb_articles (id, owner, status)"
"  SELECT x.id, x.owner, x.status"
"  FROM jsonb_to_recordset($1::jsonb) AS x(id text, owner text, status text)"
"  ON CONFLICT (id) DO NOTHING RETURNING id),"
" v AS (INSERT INTO hotline.kb_versions (id, version, status, title,"
"  questions, answer, basis, major, districts, valid_from, valid_until,"
"  links, terms, keys, key_terms)"
"  SELECT y.id, y.version, y.status, y.title,"
"  ARRAY(SELECT jsonb_array_elements_text(y.questions)), y.answer, y.basis,"
"  y.major, ARRAY(SELECT jsonb_array_elements_text(y.districts)),"
"  y.valid_from, y.valid_until, y.links, y.terms::tsvector, y.keys::tsvector,"
"  hotline.kb_text_array(y.key_terms)"
"  FROM jsonb_to_recordset($2::jsonb) AS y(id text, version int,"
"  status text, title text, questions jsonb, answer text, basis jsonb,"
"  major text, districts jsonb, valid_from date, valid_until date,"
"  links jsonb, terms text, keys text, key_terms jsonb)"
"  WHERE y.id IN (SELECT id FROM a) RETURNING id),"
" h AS (INSERT INTO hotline.kb_history (id, principal, role, action,"
"  version, note) SELECT id, $3, $4::smallint, 'import', 0, '' FROM a)"
" SELECT a.id, 'added', (SELECT count(*) FROM v WHERE v.id = a.id)::text"
"  FROM a"
" UNION ALL SELECT x.id, 'known', 'already in the knowledge base'"
"  FROM jsonb_to_recordset($1::jsonb) AS x(id text)"
"  WHERE x.id NOT IN (SELECT id FROM a)"
" UNION ALL SELECT r->>'id', 'refused', r->>'why'"
"  FROM jsonb_array_elements($5::jsonb) r";

/* Export: $1 the last id of the previous page, $2 how many; one article per row in the exchange format. */
const char kb_export_sql[] =
"SELECT a.id, jsonb_build_object('id', a.id, 'owner', a.owner,"
" 'status', a.status, 'versions', (SELECT jsonb_agg(jsonb_build_object("
" 'version', v.version, 'status', v.status, 'title', v.title,"
" 'questions', to_jsonb(v.questions), 'answer', v.answer, 'basis', v.basis,"
" 'major', v.major, 'districts', to_jsonb(v.districts),"
" 'valid_from', coalesce(v.valid_from::text, ''),"
" 'valid_until', coalesce(v.valid_until::text, ''), 'links', v.links)"
" ORDER BY v.version) FROM hotline.kb_versions v WHERE v.id = a.id))::text"
" FROM hotline.kb_articles a WHERE a.id > $1 ORDER BY a.id LIMIT $2::int";

/* Draft: $1 id, $2 the caller's department, $3 principal, $4 role, $5 the version row (011-kb-workflow.sql, 042-kb-key-terms.sql). */
const char kb_draft_sql[] =
"SELECT result, why, version, $2 FROM hotline.kb_draft_keyed($1, $2, $3,"
" $4::smallint, $5::jsonb)";

/* Step: $1 id, $2 version, $3 action, $4 principal, $5 role, $6 department, $7 note. */
const char kb_step_sql[] =
"SELECT result, why, version, owner FROM hotline.kb_step($1, $2::int, $3,"
" $4, $5::smallint, $6, $7)";

/*
 * Gaps: $1, $2 the period (ms), $3 the number of categories. Rows of kind
 * 'gap' (category, consultations, answered without, dispatched, words as a
 * JSON array, titles as a JSON array), 'use' (id, version, citations) and
 * 'miss' (a word of searches without a good match, how many).
 * Consultations are type 1; a direct answer is closure 1 (proto/hotline.proto).
 */
const char kb_gaps_sql[] =
"WITH c AS (SELECT number, category, title, terms, created_at,"
"  (fields->>'closure') = '1' AS answered,"
"  coalesce(fields->>'kb_article', '') <> '' AS cited, dept <> '' AS sent"
"  FROM hotline.tickets WHERE type = 1"
"  AND created_at >= to_timestamp($1::bigint / 1000.0)"
"  AND created_at < to_timestamp($2::bigint / 1000.0)),"
" g AS (SELECT category, count(*) AS n,"
"  count(*) FILTER (WHERE answered AND NOT cited) AS answered_without,"
"  count(*) FILTER (WHERE sent) AS sent FROM c"
"  WHERE (answered AND NOT cited) OR sent GROUP BY category"
"  ORDER BY n DESC, category LIMIT $3::int)"
" SELECT 'gap', g.category, g.n::text, g.answered_without::text, g.sent::text,"
"  (SELECT coalesce(json_agg(w.lexeme), '[]')::text FROM (SELECT u.lexeme"
"   FROM c CROSS JOIN LATERAL unnest(c.terms) u WHERE c.category = g.category"
"   AND ((c.answered AND NOT c.cited) OR c.sent) AND length(u.lexeme) > 1"
"   GROUP BY u.lexeme ORDER BY count(*) DESC, u.lexeme LIMIT 8) w),"
"  (SELECT coalesce(json_agg(t.title), '[]')::text FROM (SELECT c.title FROM c"
"   WHERE c.category = g.category AND ((c.answered AND NOT c.cited) OR c.sent)"
"   ORDER BY c.created_at DESC LIMIT 3) t)"
" FROM g"
" UNION ALL (SELECT 'use', fields->>'kb_article', (fields->>'kb_version'),"
"  count(*)::text, '', '', '' FROM hotline.tickets"
"  WHERE coalesce(fields->>'kb_article', '') <> ''"
"  AND created_at >= to_timestamp($1::bigint / 1000.0)"
"  AND created_at < to_timestamp($2::bigint / 1000.0)"
"  GROUP BY 2, 3 ORDER BY count(*) DESC, 2, 3 LIMIT 200)"
" UNION ALL (SELECT 'miss', t, count(*)::text, '', '', '', ''"
"  FROM hotline.kb_misses m CROSS JOIN LATERAL unnest(m.terms) t"
"  WHERE m.at >= to_timestamp($1::bigint / 1000.0)"
"  AND m.at < to_timestamp($2::bigint / 1000.0) AND length(t) > 1"
"  GROUP BY t ORDER BY count(*) DESC, t LIMIT 20)";

/* A search without a good match (counted as a gap): $1 when (ms), $2 its terms (text[]). */
const char kb_miss_sql[] =
"INSERT INTO hotline.kb_misses (at, terms)"
" VALUES (to_timestamp($1::bigint / 1000.0), $2::text[])";

/* Retire by policy document: $1 document, $2 principal, $3 role. */
const char kb_retire_document_sql[] =
"SELECT result, why, version, owner FROM hotline.kb_retire_document($1, $2,"
" $3::smallint)";

/*
 * Expiry reminders: $1 today (yyyymmdd, the daemon's clock), $2 the days
 * before; one notice per published version expiring within them.
 */
const char kb_notice_expiring_sql[] =
"INSERT INTO hotline.kb_notices (key, kind, owner, id, version, principal,"
" note) SELECT 'expiring:' || v.id || ':' || v.version || ':' ||"
" v.valid_until, 'expiring', a.owner, v.id, v.version, 'hotlined',"
" '有效期至 ' || v.valid_until || '，请及时更新或下线'"
" FROM hotline.kb_versions v JOIN hotline.kb_articles a ON a.id = v.id"
" WHERE v.status = 'published' AND a.status = 'published'"
" AND v.valid_until >= $1::date AND v.valid_until <= $1::date + $2::int"
" ON CONFLICT (key) DO NOTHING";

/* Notices not yet delivered, oldest first: seq, key, kind, owner, id, version, principal, note. */
const char kb_notice_pending_sql[] =
"SELECT seq, key || '@' || (extract(epoch FROM created_at) * 1000)::bigint,"
" kind, owner, id, version, principal, note FROM hotline.kb_notices"
" WHERE delivered_at IS NULL ORDER BY seq LIMIT " KB_NOTICE_BATCH;

/* $1 the seqs ({1,2}) now in their owners' feeds. */
const char kb_notice_delivered_sql[] =
"UPDATE hotline.kb_notices SET delivered_at = now()"
" WHERE seq = ANY($1::bigint[]) AND delivered_at IS NULL";

/* Re-terming: the fingerprint of the user words the stored terms were made with. */
const char kb_words_sql[] =
"SELECT coalesce((SELECT value FROM hotline.kb_meta WHERE key = 'words'), '')";

/* $1 the last vid done: the next versions to re-term (vid, title, questions as JSON, answer). */
const char kb_reindex_read_sql[] =
"SELECT vid, title, array_to_json(questions)::text, answer"
" FROM hotline.kb_versions WHERE vid > $1::int ORDER BY vid LIMIT " KB_REINDEX_BATCH;

/* $1 [{vid, terms, keys, key_terms}]: the versions' new terms (the triggers follow). */
const char kb_reindex_write_sql[] =
"UPDATE hotline.kb_versions v SET terms = x.terms::tsvector,"
" keys = x.keys::tsvector FROM jsonb_to_recordset($1::jsonb)"
" AS x(vid int, terms text, keys text) WHERE v.vid = x.vid"
" AND (v.terms <> x.terms::tsvector OR v.keys <> x.keys::tsvector)";

/*
 * The same rows' key terms, apart: a version whose terms did not change
 * is not updated above, so its postings and document frequencies (the
 * triggers on terms) are not made again for nothing.
 */
const char kb_reindex_keys_sql[] =
"UPDATE hotline.kb_versions v SET key_terms = hotline.kb_text_array(x.key_terms)"
" FROM jsonb_to_recordset($1::jsonb) AS x(vid int, key_terms jsonb)"
" WHERE v.vid = x.vid"
" AND v.key_terms IS DISTINCT FROM hotline.kb_text_array(x.key_terms)";

/* $1 the fingerprint the stored terms are now made with. */
const char kb_words_done_sql[] =
"INSERT INTO hotline.kb_meta (key, value) VALUES ('words', $1)"
" ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value";
