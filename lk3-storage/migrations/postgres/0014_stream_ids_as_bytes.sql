-- lk3 store, schema version 14 (PostgreSQL): the event log's stream ids
-- are stored as a UUID's 16 bytes, as its event and command ids are since
-- schema 13: in `streams`, in `events` (in every row and in its primary
-- key's index), in `commands` and in `seals`, whose head hash, key id and
-- signature are stored as their 32, 8 and 64 bytes too
-- (lk3_storage::rows::ColumnType::Uuid, Hash, Hex). The query
-- tables keep the id's text: they are what SQL users read, and lk3's few
-- reads that join the two convert (lk3_storage::sql::StreamIdSql). A value
-- that is not lk3's text of an id or a hash (changed outside lk3) keeps its
-- text's bytes, for verify to name.
ALTER TABLE streams
    ALTER COLUMN stream_id TYPE bytea USING (CASE WHEN stream_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        THEN decode(replace(stream_id, '-', ''), 'hex') ELSE convert_to(stream_id, 'UTF8') END);

ALTER TABLE events
    ALTER COLUMN stream_id TYPE bytea USING (CASE WHEN stream_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        THEN decode(replace(stream_id, '-', ''), 'hex') ELSE convert_to(stream_id, 'UTF8') END);

ALTER TABLE commands
    ALTER COLUMN stream_id TYPE bytea USING (CASE WHEN stream_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        THEN decode(replace(stream_id, '-', ''), 'hex') ELSE convert_to(stream_id, 'UTF8') END);

ALTER TABLE seals
    ALTER COLUMN stream_id TYPE bytea USING (CASE WHEN stream_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        THEN decode(replace(stream_id, '-', ''), 'hex') ELSE convert_to(stream_id, 'UTF8') END),
    ALTER COLUMN head_hash TYPE bytea USING (CASE WHEN head_hash ~ '^[0-9a-f]{64}$'
        THEN decode(head_hash, 'hex') ELSE convert_to(head_hash, 'UTF8') END),
    ALTER COLUMN key_id TYPE bytea USING (CASE WHEN key_id ~ '^[0-9a-f]{16}$'
        THEN decode(key_id, 'hex') ELSE convert_to(key_id, 'UTF8') END),
    ALTER COLUMN signature TYPE bytea USING (CASE WHEN signature ~ '^[0-9a-f]{128}$'
        THEN decode(signature, 'hex') ELSE convert_to(signature, 'UTF8') END);
