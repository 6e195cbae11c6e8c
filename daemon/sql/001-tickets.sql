-- 001-tickets.sql: the archive's first schema: every ticket's latest version and its history, with search terms.
-- Applied by hotlined (archive-schema.c) in one transaction with its row in
-- hotline.schema_migrations. Never edit a released migration: add the next one.

-- One row per ticket: the latest version the archiver wrote. "version"
-- counts the ticket's changes in Redis (outbox.lua); a row is replaced only
-- by a higher version, so replays and late batches never go back in time.
CREATE TABLE hotline.tickets (
	number		text PRIMARY KEY,	-- 工单编号, yyyymmdd + sequence
	version		bigint NOT NULL,
	state		smallint NOT NULL,	-- TicketState of proto/hotline.proto
	dept		text NOT NULL,		-- 主办单位 id, '' in triage
	assists		text[] NOT NULL,	-- 协办单位 ids
	type		smallint NOT NULL,	-- TicketType
	urgency		smallint NOT NULL,	-- Urgency
	channel		smallint NOT NULL,	-- Channel
	confidential	boolean NOT NULL,	-- 保密: caller hidden from departments
	caller_phone	text NOT NULL,
	caller_name	text NOT NULL,
	district	text NOT NULL,
	street		text NOT NULL,
	address		text NOT NULL,
	title		text NOT NULL,
	content		text NOT NULL,
	category	text NOT NULL,		-- 小类 code, '' none
	warned		boolean NOT NULL,	-- 黄灯
	overdue		boolean NOT NULL,	-- 超期
	created_at	timestamptz NOT NULL,
	updated_at	timestamptz NOT NULL,
	closed_at	timestamptz,		-- when it became closed, merged or transferred
	fields		jsonb NOT NULL,		-- the Redis hash as it was: every field
	terms		tsvector NOT NULL,	-- search terms (archive-terms.c), 'simple' config
	archived_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tickets_terms ON hotline.tickets USING gin (terms);
CREATE INDEX tickets_created ON hotline.tickets (created_at, number);
CREATE INDEX tickets_dept_created ON hotline.tickets (dept, created_at, number);
CREATE INDEX tickets_caller ON hotline.tickets (caller_phone, created_at);
CREATE INDEX tickets_closed ON hotline.tickets (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX tickets_assists ON hotline.tickets USING gin (assists);

-- The history (全程留痕): append-only in Redis, so a row, once written, never
-- changes; (number, position) makes a replay write nothing twice.
CREATE TABLE hotline.history (
	number		text NOT NULL,
	position	integer NOT NULL,	-- 0 for the first entry
	at		timestamptz NOT NULL,
	principal	text NOT NULL,
	role		smallint NOT NULL,
	action		text NOT NULL,
	from_state	smallint NOT NULL,
	to_state	smallint NOT NULL,
	note		text NOT NULL,
	dept		text NOT NULL,
	entry		jsonb NOT NULL,		-- the entry as Redis held it (with its changes)
	PRIMARY KEY (number, position)
);

CREATE INDEX history_at ON hotline.history (at);
