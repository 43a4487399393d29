-- lk3 store, schema version 8 (PostgreSQL): notes and attachments with
-- their sensitivity, and the access log.
--
-- A note row written before has no sensitivity: the store gives it `biasa`
-- and its check again when next opened for writing, but only if its check
-- still holds (a row changed outside lk3 stays unreadable and `verify` names it).
ALTER TABLE notes ADD COLUMN sensitivity TEXT COLLATE "C";

-- Attachments by digest (SHA-256 over a random salt and the bytes, like a
-- note's); the bytes as base64. Erasure empties `content` and `salt`.
-- Their subjects are kept in `note_subjects`, with the notes'.
CREATE TABLE attachments (
    unit         TEXT COLLATE "C" NOT NULL,
    digest       TEXT COLLATE "C" NOT NULL,
    case_id      TEXT COLLATE "C",
    subjects     TEXT COLLATE "C" NOT NULL,
    kind         TEXT COLLATE "C" NOT NULL,
    content_type TEXT COLLATE "C" NOT NULL,
    bytes        BIGINT           NOT NULL,
    sensitivity  TEXT COLLATE "C" NOT NULL,
    salt         TEXT COLLATE "C",
    content      TEXT COLLATE "C",
    erased_at    BIGINT,
    row_check    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, digest)
);

-- Who read a client's identity, a secret note or an attachment (or was
-- refused): each unit's entries chained by SHA-256 from the first. Entries
-- are only ever added.
CREATE TABLE access_log (
    unit  TEXT COLLATE "C" NOT NULL,
    seq   BIGINT           NOT NULL,
    entry TEXT COLLATE "C" NOT NULL,
    hash  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, seq)
);
CREATE FUNCTION lk3_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'lk3: the access log is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION lk3_access_log_append_only();
