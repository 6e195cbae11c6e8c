-- 030-kb-search.sql: the knowledge base's search as one function (its statements' plans kept per connection, not made again for every search) over a candidate set read from each rare term's best postings, scored in full by one index probe per term and candidate.

-- Each term's postings best first (title, 常见问法, then answer), so a
-- search reads at most p_per_term of a common term's postings.
CREATE INDEX kb_postings_top ON hotline.kb_postings (term, w DESC, vid);

-- The search. p_terms are the query's informative terms (kb-terms.c drops
-- function words), p_district a district or '', p_gov the id of its
-- government or '' (an article's districts name either), p_limit the hits
-- wanted. A version's score is the sum, over the query's terms it holds, of
-- the term's idf (BM25's, from kb_df) times its weight there (kb_postings.w:
-- title 2, 常见问法 1.5, answer 1). Candidates: the p_seeds rarest terms
-- (idf >= p_idf_min) each give their p_per_term best postings a partial
-- score; of the best p_partial, the best p_candidates published, valid today
-- and for the district are scored in full. coverage is the share of the
-- query's idf the version holds, a term found only in the answer counting
-- half (a term unknown to every article counts as the rarest): how much of
-- the question the article is about, which decides KbHit.good.
CREATE FUNCTION hotline.kb_search(p_terms text[], p_district text,
	p_limit integer, p_gov text, p_idf_min float8, p_seeds integer,
	p_per_term integer, p_partial integer, p_candidates integer,
	OUT vid integer, OUT score float8, OUT coverage float8,
	OUT matched integer)
RETURNS SETOF record LANGUAGE plpgsql STABLE AS $$
DECLARE
	n float8;
	qt text[];
	qi float8[];
	total float8;
	cands integer[];
	today date := (now() AT TIME ZONE 'Asia/Shanghai')::date;
BEGIN
	SELECT coalesce((SELECT d.df FROM hotline.kb_df d WHERE d.term = ''), 0) + 1
	INTO n;
	SELECT array_agg(d.term ORDER BY d.df, d.term),
		array_agg(ln(1 + (n - d.df + 0.5) / (d.df + 0.5)) ORDER BY d.df, d.term)
	INTO qt, qi
	FROM hotline.kb_df d WHERE d.term = ANY(p_terms) AND d.term <> '' AND d.df > 0;
	IF qt IS NULL THEN
		RETURN;
	END IF;
	total := (SELECT sum(x) FROM unnest(qi) x) +
		(cardinality(p_terms) - cardinality(qt)) * 0.5 * ln(1 + n);
	cands := ARRAY(SELECT ps.vid FROM (SELECT t.vid, sum(s.idf * t.w) AS partial
		FROM unnest(qt[1:p_seeds], qi[1:p_seeds]) s(term, idf)
		CROSS JOIN LATERAL (SELECT p.vid, p.w FROM hotline.kb_postings p
			WHERE p.term = s.term ORDER BY p.w DESC, p.vid LIMIT p_per_term) t
		WHERE s.idf >= p_idf_min
		GROUP BY t.vid ORDER BY 2 DESC, 1 LIMIT p_partial) ps
	JOIN hotline.kb_versions v ON v.vid = ps.vid
	JOIN hotline.kb_articles a ON a.id = v.id
	WHERE v.status = 'published' AND a.status = 'published'
	AND (v.valid_from IS NULL OR v.valid_from <= today)
	AND (v.valid_until IS NULL OR v.valid_until >= today)
	AND (p_district = '' OR cardinality(v.districts) = 0
		OR p_district = ANY(v.districts) OR p_gov = ANY(v.districts))
	ORDER BY ps.partial DESC, ps.vid LIMIT p_candidates);
	RETURN QUERY SELECT c.vid, sum(q.idf * p.w)::float8,
		(sum(q.idf * CASE WHEN p.w > 1 THEN 1 ELSE 0.5 END) /
		greatest(total, 0.001))::float8, count(*)::integer
	FROM unnest(cands) c(vid) CROSS JOIN unnest(qt, qi) q(term, idf)
	CROSS JOIN LATERAL (SELECT x.w FROM hotline.kb_postings x
		WHERE x.term = q.term AND x.vid = c.vid LIMIT 1) p	-- a probe each
	GROUP BY c.vid ORDER BY 2 DESC, 1 LIMIT p_limit;
END
$$;
