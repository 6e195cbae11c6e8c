-- 031-kb-why-zh.sql: the knowledge base's workflow refusals in Chinese first: each why of 011-kb-workflow.sql's functions (bodies otherwise unchanged) becomes a pair in daemon/lang.h's ZH_EN marks, which request_error splits into Error.message (Chinese) and message_en (English).

-- A text in both languages, marked as lang.h's ZH_EN marks it: RS zh US en GS.
CREATE FUNCTION hotline.kb_why(zh text, en text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT chr(30) || zh || chr(31) || en || chr(29)
$$;

-- The Chinese of a version's or an article's status (kb_versions.status).
CREATE FUNCTION hotline.kb_status_zh(status text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE status WHEN 'draft' THEN '草稿' WHEN 'review' THEN '待审核'
		WHEN 'published' THEN '已发布' WHEN 'retired' THEN '已下线'
		ELSE status END
$$;

-- The Chinese of a workflow step (proto KbAction's comments).
CREATE FUNCTION hotline.kb_action_zh(action text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE action WHEN 'submit' THEN '提交' WHEN 'publish' THEN '发布'
		WHEN 'send_back' THEN '退回' WHEN 'flag' THEN '纠错'
		WHEN 'retire' THEN '下线' ELSE action END
$$;

-- A new article (id unknown: owned by p_dept) or a new version of one of
-- p_dept's own articles, as a draft. p_row is a version in the exchange
-- format with its terms (op-kb-exchange.c checks it first).
CREATE OR REPLACE FUNCTION hotline.kb_draft(p_id text, p_dept text, p_principal text,
	p_role smallint, p_row jsonb, OUT result text, OUT why text,
	OUT version integer)
LANGUAGE plpgsql AS $$
DECLARE
	a hotline.kb_articles;
BEGIN
	version := 0;
	SELECT * INTO a FROM hotline.kb_articles WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		INSERT INTO hotline.kb_articles (id, owner, status) VALUES (p_id, p_dept, 'draft');
		version := 1;
	ELSIF a.owner <> p_dept THEN
		result := 'forbidden'; why := hotline.kb_why('该条目属于 ' || a.owner || '：只有其所属单位可以起草',
			'the article is ' || a.owner || '''s: only its owner drafts it');
		RETURN;
	ELSIF EXISTS (SELECT 1 FROM hotline.kb_versions v WHERE v.id = p_id AND v.status IN ('draft', 'review')) THEN
		result := 'state'; why := hotline.kb_why('已有一个版本处于草稿或待审核：请先提交或办完它',
			'a version is already in draft or review: submit or finish it first');
		RETURN;
	ELSE
		SELECT max(v.version) + 1 INTO version FROM hotline.kb_versions v WHERE v.id = p_id;
	END IF;
	INSERT INTO hotline.kb_versions (id, version, status, title, questions, answer,
		basis, major, districts, valid_from, valid_until, links, terms, keys)
	SELECT p_id, kb_draft.version, 'draft', y.title,
		ARRAY(SELECT jsonb_array_elements_text(y.questions)), y.answer, y.basis,
		y.major, ARRAY(SELECT jsonb_array_elements_text(y.districts)),
		y.valid_from, y.valid_until, y.links, y.terms::tsvector, y.keys::tsvector
	FROM jsonb_to_record(p_row) AS y(title text, questions jsonb, answer text,
		basis jsonb, major text, districts jsonb, valid_from date,
		valid_until date, links jsonb, terms text, keys text);
	INSERT INTO hotline.kb_history (id, principal, role, action, version, note)
	VALUES (p_id, p_principal, p_role, 'draft', kb_draft.version, '');
	UPDATE hotline.kb_articles SET updated_at = now() WHERE id = p_id;
	result := 'ok'; why := '';
END
$$;

-- One step on an article: submit (owner: draft -> review), publish (centre:
-- review -> published, the version published before retired), send_back
-- (centre: review -> draft, with a note), flag (agents and the centre: a
-- note for the owner, no change), retire (owner or centre: the article and
-- its published version). p_version 0: the version the step applies to
-- (the pending one, or the published one for retire). owner is returned
-- for the owner's feed.
CREATE OR REPLACE FUNCTION hotline.kb_step(p_id text, p_version integer, p_action text,
	p_principal text, p_role smallint, p_dept text, p_note text,
	OUT result text, OUT why text, OUT version integer, OUT owner text)
LANGUAGE plpgsql AS $$
DECLARE
	a hotline.kb_articles;
	v hotline.kb_versions;
	want text;
BEGIN
	version := p_version;
	SELECT * INTO a FROM hotline.kb_articles WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		result := 'not_found'; why := hotline.kb_why('没有条目 ' || p_id, 'no article ' || p_id); RETURN;
	END IF;
	owner := a.owner;
	IF p_action = 'submit' AND NOT (p_role = 3 AND p_dept = a.owner)
	   OR p_action IN ('publish', 'send_back') AND p_role <> 2
	   OR p_action = 'flag' AND p_role NOT IN (1, 2)
	   OR p_action = 'retire' AND NOT (p_role = 2 OR p_role = 3 AND p_dept = a.owner) THEN
		result := 'forbidden';
		why := CASE WHEN p_role = 3
			THEN hotline.kb_why('该条目属于 ' || a.owner, 'the article is ' || a.owner || '''s')
			ELSE hotline.kb_why('当前角色不能' || hotline.kb_action_zh(p_action), 'not for this role') END;
		RETURN;
	END IF;
	IF p_action IN ('send_back', 'flag') AND btrim(p_note) = '' THEN
		result := 'state'; why := hotline.kb_why(hotline.kb_action_zh(p_action) || '须填写说明', p_action || ' needs a note'); RETURN;
	END IF;
	want := CASE p_action WHEN 'submit' THEN 'draft' WHEN 'publish' THEN 'review'
		WHEN 'send_back' THEN 'review' ELSE 'published' END;
	SELECT * INTO v FROM hotline.kb_versions x WHERE x.id = p_id
		AND (x.version = p_version OR p_version = 0 AND x.status = want)
		ORDER BY x.version DESC LIMIT 1 FOR UPDATE;
	IF NOT FOUND AND p_action <> 'flag' AND NOT (p_action = 'retire' AND p_version = 0) THEN
		result := 'state'; why := hotline.kb_why('没有处于' || hotline.kb_status_zh(want) || '的版本', 'no version in ' || want); RETURN;
	END IF;
	IF FOUND AND p_action NOT IN ('flag') AND v.status <> want THEN
		result := 'state'; why := hotline.kb_why('版本 ' || v.version || ' 为' || hotline.kb_status_zh(v.status) || '，不是' || hotline.kb_status_zh(want),
			'version ' || v.version || ' is ' || v.status || ', not ' || want); RETURN;
	END IF;
	version := coalesce(v.version, 0);
	IF p_action = 'submit' THEN
		UPDATE hotline.kb_versions x SET status = 'review' WHERE x.id = p_id AND x.version = v.version;
		IF a.status = 'draft' THEN
			UPDATE hotline.kb_articles SET status = 'review' WHERE id = p_id;
		END IF;
	ELSIF p_action = 'publish' THEN
		UPDATE hotline.kb_versions x SET status = 'retired' WHERE x.id = p_id AND x.status = 'published';
		UPDATE hotline.kb_versions x SET status = 'published' WHERE x.id = p_id AND x.version = v.version;
		UPDATE hotline.kb_articles SET status = 'published' WHERE id = p_id;
	ELSIF p_action = 'send_back' THEN
		UPDATE hotline.kb_versions x SET status = 'draft' WHERE x.id = p_id AND x.version = v.version;
	ELSIF p_action = 'retire' THEN
		UPDATE hotline.kb_versions x SET status = 'retired' WHERE x.id = p_id AND x.status = 'published';
		UPDATE hotline.kb_articles SET status = 'retired' WHERE id = p_id;
	ELSIF p_action <> 'flag' THEN
		result := 'state'; why := hotline.kb_why('未知的步骤 ' || p_action, 'unknown action ' || p_action); RETURN;
	END IF;
	UPDATE hotline.kb_articles SET updated_at = now() WHERE id = p_id;
	INSERT INTO hotline.kb_history (id, principal, role, action, version, note)
	VALUES (p_id, p_principal, p_role, p_action, kb_step.version, p_note);
	result := 'ok'; why := '';
END
$$;

-- A policy document retired (政策废止): the centre retires every published
-- article whose published version names it in its basis (by number or by
-- name); version returns how many.
CREATE OR REPLACE FUNCTION hotline.kb_retire_document(p_document text, p_principal text,
	p_role smallint, OUT result text, OUT why text, OUT version integer,
	OUT owner text)
LANGUAGE plpgsql AS $$
DECLARE
	ids text[];
BEGIN
	owner := '';
	IF p_role <> 2 THEN
		result := 'forbidden'; why := hotline.kb_why('只有中心可以按政策文件下线条目',
			'only the centre retires by policy document'); version := 0;
		RETURN;
	END IF;
	SELECT coalesce(array_agg(DISTINCT v.id), '{}') INTO ids
	FROM hotline.kb_versions v JOIN hotline.kb_articles a ON a.id = v.id
	WHERE v.status = 'published' AND a.status = 'published'
	AND EXISTS (SELECT 1 FROM jsonb_array_elements(v.basis) b
		WHERE b->>'number' = p_document OR b->>'document' = p_document);
	INSERT INTO hotline.kb_history (id, principal, role, action, version, note)
	SELECT v.id, p_principal, p_role, 'retire', v.version, '政策废止 policy document retired: ' || p_document
	FROM hotline.kb_versions v WHERE v.id = ANY(ids) AND v.status = 'published';
	UPDATE hotline.kb_versions v SET status = 'retired' WHERE v.id = ANY(ids) AND v.status = 'published';
	UPDATE hotline.kb_articles a SET status = 'retired', updated_at = now() WHERE a.id = ANY(ids);
	version := cardinality(ids);
	result := 'ok'; why := '';
END
$$;
