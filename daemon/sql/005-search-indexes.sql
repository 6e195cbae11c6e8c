-- 005-search-indexes.sql: words with a district and a date range, newest first, walk this index in time order instead of reading every match of the words and sorting them.
CREATE INDEX tickets_district_created ON hotline.tickets (district, created_at, number);
