-- lk3 store, schema version 13 (SQLite): the event log's ids and hashes are
-- stored as their bytes, not their text: an event's and a command's id as a
-- UUID's 16 bytes, an event's hash, a stream's head hash and a command's
-- fingerprint and row check as a SHA-256's 32 (lk3_storage::rows::ColumnType,
-- CheckedTable::check). lk3 reads
-- them back as the text it wrote. Stream ids stay text: every query table
-- joins on them. The three tables are rebuilt with BLOB columns, each row
-- keeping its rowid; a value that is not lk3's text of an id or a hash
-- (changed outside lk3) is kept as it is, for verify to name.
CREATE TABLE streams_13 (
    unit       TEXT    NOT NULL,
    stream_id  TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    head_hash  BLOB    NOT NULL,
    PRIMARY KEY (unit, stream_id)
);
INSERT INTO streams_13 (rowid, unit, stream_id, kind, version, head_hash)
    SELECT rowid, unit, stream_id, kind, version,
        CASE WHEN length(head_hash) = 64 AND head_hash NOT GLOB '*[^0-9a-f]*' THEN unhex(head_hash) ELSE head_hash END
    FROM streams;
DROP TABLE streams;
ALTER TABLE streams_13 RENAME TO streams;
CREATE UNIQUE INDEX streams_by_id ON streams (stream_id);

CREATE TABLE events_13 (
    unit        TEXT    NOT NULL,
    stream_id   TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    event_id    BLOB    NOT NULL,
    command_id  BLOB    NOT NULL,
    occurred_at INTEGER NOT NULL,
    hash        BLOB    NOT NULL,
    body        TEXT    NOT NULL,
    PRIMARY KEY (unit, stream_id, seq)
);
INSERT INTO events_13 (rowid, unit, stream_id, seq, event_id, command_id, occurred_at, hash, body)
    SELECT rowid, unit, stream_id, seq,
        CASE WHEN event_id GLOB '????????-????-????-????-????????????'
                AND replace(event_id, '-', '') NOT GLOB '*[^0-9a-f]*'
                AND length(replace(event_id, '-', '')) = 32
            THEN unhex(replace(event_id, '-', '')) ELSE event_id END,
        CASE WHEN command_id GLOB '????????-????-????-????-????????????'
                AND replace(command_id, '-', '') NOT GLOB '*[^0-9a-f]*'
                AND length(replace(command_id, '-', '')) = 32
            THEN unhex(replace(command_id, '-', '')) ELSE command_id END,
        occurred_at,
        CASE WHEN length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*' THEN unhex(hash) ELSE hash END,
        body
    FROM events;
DROP TABLE events;
ALTER TABLE events_13 RENAME TO events;

CREATE TABLE commands_13 (
    unit        TEXT    NOT NULL,
    command_id  BLOB    NOT NULL PRIMARY KEY,
    stream_id   TEXT    NOT NULL,
    first_seq   INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    fingerprint BLOB    NOT NULL,
    row_check   BLOB    NOT NULL
) WITHOUT ROWID;
INSERT INTO commands_13 (unit, command_id, stream_id, first_seq, last_seq, fingerprint, row_check)
    SELECT unit,
        CASE WHEN command_id GLOB '????????-????-????-????-????????????'
                AND replace(command_id, '-', '') NOT GLOB '*[^0-9a-f]*'
                AND length(replace(command_id, '-', '')) = 32
            THEN unhex(replace(command_id, '-', '')) ELSE command_id END,
        stream_id, first_seq, last_seq,
        CASE WHEN length(fingerprint) = 64 AND fingerprint NOT GLOB '*[^0-9a-f]*' THEN unhex(fingerprint) ELSE fingerprint END,
        CASE WHEN length(row_check) = 64 AND row_check NOT GLOB '*[^0-9a-f]*' THEN unhex(row_check) ELSE row_check END
    FROM commands;
DROP TABLE commands;
ALTER TABLE commands_13 RENAME TO commands;
