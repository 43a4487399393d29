-- lk3 store, schema version 3 (SQLite): seals over stream heads and the
-- public keys the store trusts (see lk3_storage::trust).

-- A unit's Ed25519 signature over a stream's head after an append batch
-- (or an imported document's seal), one row per sealed head.
CREATE TABLE seals (
    unit       TEXT    NOT NULL,
    stream_id  TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    key_id     TEXT    NOT NULL,
    head_hash  TEXT    NOT NULL,
    signature  TEXT    NOT NULL,
    PRIMARY KEY (unit, stream_id, seq)
);

-- The keys the store trusts; a revoked key keeps its row, marked.
CREATE TABLE trusted_keys (
    key_id       TEXT    NOT NULL PRIMARY KEY,
    unit         TEXT    NOT NULL,
    public_key   TEXT    NOT NULL,
    created      INTEGER,
    retired_from INTEGER,
    revoked_at   INTEGER,
    row_check    TEXT    NOT NULL DEFAULT ''
);
