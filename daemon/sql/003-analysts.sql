-- 003-analysts.sql: read-only views for analysts and BI tools (Superset, Metabase, 帆软 FineReport) in schema hotline_bi, and the role hotline_analyst that may read only them.
-- The views never show a confidential caller (保密): no caller names at all,
-- phones masked (138****1234) and, for confidential tickets, no phone,
-- address or content. History notes (free text that may name people) stay
-- out. Days are Asia/Shanghai's, as the daemon counts them.

CREATE SCHEMA hotline_bi;
COMMENT ON SCHEMA hotline_bi IS 'hotline: read-only views for analysts (no confidential caller)';

-- One row per ticket, its latest archived version.
CREATE VIEW hotline_bi.tickets AS
SELECT number, state, dept AS department, assists AS assisting_departments,
	type, urgency, channel, confidential,
	CASE WHEN confidential OR length(caller_phone) < 8 THEN NULL
	     ELSE overlay(caller_phone PLACING '****' FROM 4 FOR 4) END AS caller_phone_masked,
	district, street,
	CASE WHEN confidential THEN NULL ELSE address END AS address,
	title,
	CASE WHEN confidential THEN NULL ELSE content END AS content,
	category, warned, overdue,
	coalesce(fields->>'exempt', '0') = '1' AS exempt,
	created_at, (created_at AT TIME ZONE 'Asia/Shanghai')::date AS created_day,
	closed_at, (closed_at AT TIME ZONE 'Asia/Shanghai')::date AS closed_day,
	evicted_at IS NOT NULL AS only_in_archive
FROM hotline.tickets;

-- Every step of every ticket (全程留痕), without notes.
CREATE VIEW hotline_bi.steps AS
SELECT h.number, h.position, h.at, (h.at AT TIME ZONE 'Asia/Shanghai')::date AS day,
	h.role, h.action, h.from_state, h.to_state, h.dept AS department,
	coalesce(t.fields->>'exempt', '0') = '1' AS exempt
FROM hotline.history h JOIN hotline.tickets t USING (number);

-- A department's steps per day, as the supervision office counts them
-- (统一考核: the scorecard's counters of the same names); 免考核 tickets
-- are left out, as the scorecard takes their counts back.
CREATE VIEW hotline_bi.department_daily AS
SELECT day, department,
	count(*) FILTER (WHERE action IN ('dispatch', 'redispatch')) AS received,
	count(*) FILTER (WHERE action = 'sign') AS signed,
	count(*) FILTER (WHERE action = 'return') AS returned,
	count(*) FILTER (WHERE action = 'approve_reply') AS completed,
	count(*) FILTER (WHERE action = 'reopen') AS reopened,
	count(*) FILTER (WHERE action = 'warning') AS warned,
	count(*) FILTER (WHERE action = 'urge') AS urged,
	count(*) FILTER (WHERE action = 'supervise') AS supervised,
	count(*) FILTER (WHERE action = 'invalidate') AS invalid
FROM hotline_bi.steps
WHERE department <> '' AND NOT exempt
GROUP BY day, department;

-- The whole city per day (exempted tickets included).
CREATE VIEW hotline_bi.city_daily AS
SELECT day,
	count(*) FILTER (WHERE action = 'create') AS registered,
	count(*) FILTER (WHERE action = 'answer') AS direct_answers,
	count(*) FILTER (WHERE action = 'transfer') AS transferred
FROM hotline_bi.steps
GROUP BY day;

-- The analysts' role: these views only. Roles belong to the cluster: made
-- here when the daemon's user may create roles, else by the DBA (see
-- hotlined(8), ARCHIVE) before granting it to analysts' logins.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hotline_analyst') THEN
		IF (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
			CREATE ROLE hotline_analyst NOLOGIN;
		ELSE
			RAISE NOTICE 'hotline: role hotline_analyst not created (no CREATEROLE): create it and run: GRANT USAGE ON SCHEMA hotline_bi TO hotline_analyst; GRANT SELECT ON ALL TABLES IN SCHEMA hotline_bi TO hotline_analyst';
		END IF;
	END IF;
	IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hotline_analyst') THEN
		GRANT USAGE ON SCHEMA hotline_bi TO hotline_analyst;
		GRANT SELECT ON ALL TABLES IN SCHEMA hotline_bi TO hotline_analyst;
	END IF;
END
$$;
