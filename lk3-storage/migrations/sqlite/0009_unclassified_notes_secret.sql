-- lk3 store, schema version 9 (SQLite). Nothing in the tables changes.
-- A note row written before schema 8 is given the sensitivity `rahasia`, not
-- `biasa` as migration 8 said: what was never classified is read as secret.
-- (SQLite has no TRUNCATE; the access log's delete trigger covers every DELETE.)
SELECT 1;
