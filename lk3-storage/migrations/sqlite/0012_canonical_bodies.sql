-- lk3 store, schema version 12 (SQLite): an event's body is its canonical
-- JSON without the hash member, the exact bytes its hash is taken over, so
-- that SHA-256(body) = hash for every row (lk3_storage::body). The bodies
-- schema 11 wrote hold the whole event in another order; SQL cannot
-- re-serialise them, so this marks them for a rewrite that lk3 runs when it
-- opens the store for writing: one transaction rewrites every body whose
-- canonical form has the row's hash, and removes the mark. A read-only open
-- refuses a store whose mark is still there. And the commands table is
-- rebuilt keyed by the command id alone (below).
CREATE TABLE body_rewrite (reason TEXT PRIMARY KEY);
INSERT INTO body_rewrite (reason) SELECT 'schema 12' WHERE EXISTS (SELECT 1 FROM events);

-- The command records keyed by the command id alone, in one B-tree (WITHOUT
-- ROWID): the table, its primary key (unit, command_id) and the unique index
-- on command_id were three. A command id is unique across units already.
CREATE TABLE commands_keyed (
    unit        TEXT    NOT NULL,
    command_id  TEXT    NOT NULL PRIMARY KEY,
    stream_id   TEXT    NOT NULL,
    first_seq   INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    fingerprint TEXT    NOT NULL DEFAULT '',
    row_check   TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;
INSERT INTO commands_keyed (unit, command_id, stream_id, first_seq, last_seq, fingerprint, row_check)
    SELECT unit, command_id, stream_id, first_seq, last_seq, fingerprint, row_check FROM commands;
DROP TABLE commands;
ALTER TABLE commands_keyed RENAME TO commands;
