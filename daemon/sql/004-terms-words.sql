-- 004-terms-words.sql: search terms became words (segment.h) instead of CJK bigrams; rows whose terms are stale are rebuilt by the archiver.
-- terms_stale: the row's terms were made by an older way of making them
-- (or by none). Every hotlined's archiver, when the outbox is idle, rebuilds
-- the terms of stale rows in batches (archive-reterm.c) from the row's own
-- text, and clears the mark; a row the archiver replaces meanwhile keeps its
-- newer terms. Every row archived before this migration is stale. A later
-- change to how terms are made ships a migration that sets the mark again
-- (UPDATE hotline.tickets SET terms_stale = true); so can an operator, to
-- force a rebuild.
ALTER TABLE hotline.tickets ADD COLUMN terms_stale boolean NOT NULL DEFAULT true;
CREATE INDEX tickets_terms_stale ON hotline.tickets (number) WHERE terms_stale;
