-- lk3 store, schema version 12 (SQLite): an event's body is its canonical
-- JSON without the hash member, the exact bytes its hash is taken over, so
-- that SHA-256(body) = hash for every row (lk3_storage::body). The bodies
-- schema 11 wrote hold the whole event in another order; SQL cannot
-- re-serialise them, so this marks them for a rewrite that lk3 runs when it
-- opens the store for writing: one transaction rewrites every body whose
-- canonical form has the row's hash, and removes the mark. A read-only open
-- refuses a store whose mark is still there.
CREATE TABLE body_rewrite (reason TEXT PRIMARY KEY);
INSERT INTO body_rewrite (reason) SELECT 'schema 12' WHERE EXISTS (SELECT 1 FROM events);
