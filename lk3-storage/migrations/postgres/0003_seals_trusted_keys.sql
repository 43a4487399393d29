-- lk3 store, schema version 3 (PostgreSQL): seals over stream heads and the
-- public keys the store trusts (see lk3_storage::trust).

-- A unit's Ed25519 signature over a stream's head after an append batch
-- (or an imported document's seal), one row per sealed head.
CREATE TABLE seals (
    unit       TEXT COLLATE "C" NOT NULL,
    stream_id  TEXT COLLATE "C" NOT NULL,
    seq        BIGINT NOT NULL,
    key_id     TEXT COLLATE "C" NOT NULL,
    head_hash  TEXT COLLATE "C" NOT NULL,
    signature  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, stream_id, seq)
);

-- The keys the store trusts; a revoked key keeps its row, marked.
CREATE TABLE trusted_keys (
    key_id       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    unit         TEXT COLLATE "C" NOT NULL,
    public_key   TEXT COLLATE "C" NOT NULL,
    created      BIGINT,
    retired_from BIGINT,
    revoked_at   BIGINT,
    row_check    TEXT COLLATE "C" NOT NULL DEFAULT ''
);
