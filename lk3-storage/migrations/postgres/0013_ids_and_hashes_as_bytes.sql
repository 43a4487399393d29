-- lk3 store, schema version 13 (PostgreSQL): the event log's ids and hashes
-- are stored as their bytes, not their text: an event's and a command's id
-- as a UUID's 16 bytes, an event's hash, a stream's head hash and a
-- command's fingerprint and row check as a SHA-256's 32
-- (lk3_storage::rows::ColumnType, CheckedTable::check).
-- lk3 reads them back as the text it wrote. Stream ids stay text: every
-- query table joins on them. A value that is not lk3's text of an id or a
-- hash (changed outside lk3) keeps its text's bytes, for verify to name.
ALTER TABLE streams
    ALTER COLUMN head_hash TYPE bytea USING (CASE WHEN head_hash ~ '^[0-9a-f]{64}$'
        THEN decode(head_hash, 'hex') ELSE convert_to(head_hash, 'UTF8') END);

ALTER TABLE events
    ALTER COLUMN event_id TYPE bytea USING (CASE WHEN event_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        THEN decode(replace(event_id, '-', ''), 'hex') ELSE convert_to(event_id, 'UTF8') END),
    ALTER COLUMN command_id TYPE bytea USING (CASE WHEN command_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        THEN decode(replace(command_id, '-', ''), 'hex') ELSE convert_to(command_id, 'UTF8') END),
    ALTER COLUMN hash TYPE bytea USING (CASE WHEN hash ~ '^[0-9a-f]{64}$'
        THEN decode(hash, 'hex') ELSE convert_to(hash, 'UTF8') END);

ALTER TABLE commands
    ALTER COLUMN command_id TYPE bytea USING (CASE WHEN command_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        THEN decode(replace(command_id, '-', ''), 'hex') ELSE convert_to(command_id, 'UTF8') END),
    ALTER COLUMN fingerprint DROP DEFAULT,
    ALTER COLUMN fingerprint TYPE bytea USING (CASE WHEN fingerprint ~ '^[0-9a-f]{64}$'
        THEN decode(fingerprint, 'hex') ELSE convert_to(fingerprint, 'UTF8') END),
    ALTER COLUMN row_check DROP DEFAULT,
    ALTER COLUMN row_check TYPE bytea USING (CASE WHEN row_check ~ '^[0-9a-f]{64}$'
        THEN decode(row_check, 'hex') ELSE convert_to(row_check, 'UTF8') END);
