-- 005-search-indexes.sql: searches stay fast while the archiver writes: words with a district and a date range walk a (district, time) index, and the GIN indexes keep short pending lists.
-- Words + district + date range, newest first: this index is walked in
-- time order, instead of reading every match of the words and sorting.
CREATE INDEX tickets_district_created ON hotline.tickets (district, created_at, number);
-- A GIN index's pending list (fastupdate) is read in full by every search
-- that uses the index; PostgreSQL's default of 4 MB made a department's
-- search 45 to 75 ms slower until autovacuum merged it. The assisting
-- departments are mostly empty and cheap to insert directly; the terms
-- keep a pending list, short, so batches stay cheap to write.
ALTER INDEX hotline.tickets_assists SET (fastupdate = off);
ALTER INDEX hotline.tickets_terms SET (gin_pending_list_limit = 256);
