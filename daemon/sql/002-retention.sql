-- 002-retention.sql: when a closed ticket left Redis (archive.keep_days), and the index retention sweeps by.
ALTER TABLE hotline.tickets ADD COLUMN evicted_at timestamptz;	-- NULL: still in Redis
CREATE INDEX tickets_closed_kept ON hotline.tickets (closed_at)
	WHERE evicted_at IS NULL AND closed_at IS NOT NULL;
