-- lk3 store, schema version 11 (PostgreSQL): a case summary also holds the
-- case's channel and sasaran, and each referral its partner. SQL cannot fold
-- events, so this marks the stored summaries for a refresh that lk3 runs
-- when it opens the store for writing: one transaction folds every case,
-- writes each summary that is still as schema 10 wrote it, and removes the
-- mark. A read-only open refuses a store whose mark is still there.
CREATE TABLE summary_refresh (reason TEXT PRIMARY KEY);
INSERT INTO summary_refresh (reason) SELECT 'schema 11' WHERE EXISTS (SELECT 1 FROM cases);
