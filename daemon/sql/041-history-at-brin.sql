-- 041-history-at-brin.sql: the history's time index becomes a BRIN index: rows are archived in about the order of their time, so a summary per block range finds a period as well, costs next to nothing per row written (a B-tree entry for every history row, three or more per ticket, was a share of every batch's work) and stays a few pages over years.
-- Read only by analysts' ad-hoc periods over hotline_bi.steps (its at
-- column); the daemon reads history by (number, position), the key.
DROP INDEX IF EXISTS hotline.history_at;
CREATE INDEX IF NOT EXISTS history_at_brin ON hotline.history USING brin (at);
