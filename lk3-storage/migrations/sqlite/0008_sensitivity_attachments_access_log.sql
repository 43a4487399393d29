-- lk3 store, schema version 8 (SQLite): notes and attachments with their
-- sensitivity, and the access log.
--
-- A note row written before has no sensitivity: the store gives it `biasa`
-- and its check again when next opened for writing, but only if its check
-- still holds (a row changed outside lk3 stays unreadable and `verify` names it).
ALTER TABLE notes ADD COLUMN sensitivity TEXT;

-- Attachments by digest (SHA-256 over a random salt and the bytes, like a
-- note's); the bytes as base64. Erasure empties `content` and `salt`.
-- Their subjects are kept in `note_subjects`, with the notes'.
CREATE TABLE attachments (
    unit         TEXT    NOT NULL,
    digest       TEXT    NOT NULL,
    case_id      TEXT,
    subjects     TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    bytes        INTEGER NOT NULL,
    sensitivity  TEXT    NOT NULL,
    salt         TEXT,
    content      TEXT,
    erased_at    INTEGER,
    row_check    TEXT    NOT NULL,
    PRIMARY KEY (unit, digest)
);

-- Who read a client's identity, a secret note or an attachment (or was
-- refused): each unit's entries chained by SHA-256 from the first. Entries
-- are only ever added.
CREATE TABLE access_log (
    unit  TEXT    NOT NULL,
    seq   INTEGER NOT NULL,
    entry TEXT    NOT NULL,
    hash  TEXT    NOT NULL,
    PRIMARY KEY (unit, seq)
);
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'lk3: the access log is append-only');
END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'lk3: the access log is append-only');
END;
