-- lk3 store, schema version 14 (SQLite): the event log's stream ids are
-- stored as a UUID's 16 bytes, as its event and command ids are since
-- schema 13: in `streams`, in `events` (in every row and in its primary
-- key's index), in `commands` and in `seals`, whose head hash, key id and
-- signature are stored as their 32, 8 and 64 bytes too
-- (lk3_storage::rows::ColumnType::Uuid, Hash, Hex). The query
-- tables keep the id's text: they are what SQL users read, and lk3's few
-- reads that join the two convert (lk3_storage::sql::StreamIdSql). The four
-- tables are rebuilt with BLOB columns, each row keeping its rowid; a value
-- that is not lk3's text of an id or a hash (changed outside lk3) is kept
-- as it is, for verify to name.
CREATE TABLE streams_14 (
    unit       TEXT    NOT NULL,
    stream_id  BLOB    NOT NULL,
    kind       TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    head_hash  BLOB    NOT NULL,
    PRIMARY KEY (unit, stream_id)
);
INSERT INTO streams_14 (rowid, unit, stream_id, kind, version, head_hash)
    SELECT rowid, unit,
        CASE WHEN stream_id GLOB '????????-????-????-????-????????????'
                AND replace(stream_id, '-', '') NOT GLOB '*[^0-9a-f]*'
                AND length(replace(stream_id, '-', '')) = 32
            THEN unhex(replace(stream_id, '-', '')) ELSE stream_id END,
        kind, version, head_hash
    FROM streams;
DROP TABLE streams;
ALTER TABLE streams_14 RENAME TO streams;
CREATE UNIQUE INDEX streams_by_id ON streams (stream_id);

CREATE TABLE events_14 (
    unit        TEXT    NOT NULL,
    stream_id   BLOB    NOT NULL,
    seq         INTEGER NOT NULL,
    event_id    BLOB    NOT NULL,
    command_id  BLOB    NOT NULL,
    occurred_at INTEGER NOT NULL,
    hash        BLOB    NOT NULL,
    body        TEXT    NOT NULL,
    PRIMARY KEY (unit, stream_id, seq)
);
INSERT INTO events_14 (rowid, unit, stream_id, seq, event_id, command_id, occurred_at, hash, body)
    SELECT rowid, unit,
        CASE WHEN stream_id GLOB '????????-????-????-????-????????????'
                AND replace(stream_id, '-', '') NOT GLOB '*[^0-9a-f]*'
                AND length(replace(stream_id, '-', '')) = 32
            THEN unhex(replace(stream_id, '-', '')) ELSE stream_id END,
        seq, event_id, command_id, occurred_at, hash, body
    FROM events;
DROP TABLE events;
ALTER TABLE events_14 RENAME TO events;

CREATE TABLE commands_14 (
    unit        TEXT    NOT NULL,
    command_id  BLOB    NOT NULL PRIMARY KEY,
    stream_id   BLOB    NOT NULL,
    first_seq   INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    fingerprint BLOB    NOT NULL,
    row_check   BLOB    NOT NULL
) WITHOUT ROWID;
INSERT INTO commands_14 (unit, command_id, stream_id, first_seq, last_seq, fingerprint, row_check)
    SELECT unit, command_id,
        CASE WHEN stream_id GLOB '????????-????-????-????-????????????'
                AND replace(stream_id, '-', '') NOT GLOB '*[^0-9a-f]*'
                AND length(replace(stream_id, '-', '')) = 32
            THEN unhex(replace(stream_id, '-', '')) ELSE stream_id END,
        first_seq, last_seq, fingerprint, row_check
    FROM commands;
DROP TABLE commands;
ALTER TABLE commands_14 RENAME TO commands;

CREATE TABLE seals_14 (
    unit       TEXT    NOT NULL,
    stream_id  BLOB    NOT NULL,
    seq        INTEGER NOT NULL,
    key_id     BLOB    NOT NULL,
    head_hash  BLOB    NOT NULL,
    signature  BLOB    NOT NULL,
    PRIMARY KEY (unit, stream_id, seq)
);
INSERT INTO seals_14 (rowid, unit, stream_id, seq, key_id, head_hash, signature)
    SELECT rowid, unit,
        CASE WHEN stream_id GLOB '????????-????-????-????-????????????'
                AND replace(stream_id, '-', '') NOT GLOB '*[^0-9a-f]*'
                AND length(replace(stream_id, '-', '')) = 32
            THEN unhex(replace(stream_id, '-', '')) ELSE stream_id END,
        seq,
        CASE WHEN length(key_id) = 16 AND key_id NOT GLOB '*[^0-9a-f]*' THEN unhex(key_id) ELSE key_id END,
        CASE WHEN length(head_hash) = 64 AND head_hash NOT GLOB '*[^0-9a-f]*' THEN unhex(head_hash) ELSE head_hash END,
        CASE WHEN length(signature) = 128 AND signature NOT GLOB '*[^0-9a-f]*' THEN unhex(signature) ELSE signature END
    FROM seals;
DROP TABLE seals;
ALTER TABLE seals_14 RENAME TO seals;
