-- 045-tickets-lz4.sql: a ticket row's other large values (its content and its search terms, compressed when the row passes about 2 kB) use lz4 as its hash already does (040), not pglz: pglz_compress was 1.6% of PostgreSQL's samples in a profile of the archiver's catch-up, lz4 a fraction of that.
-- New rows only (as in 040); a PostgreSQL built without lz4 keeps pglz.
DO $$
BEGIN
	ALTER TABLE hotline.tickets ALTER COLUMN content SET COMPRESSION lz4,
	    ALTER COLUMN terms SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
	RAISE NOTICE 'hotline: PostgreSQL without lz4: the archive keeps pglz';
END
$$;
