-- lk3 store, schema version 5 (PostgreSQL): each unit's partner network
-- (jejaring), one lk3_core::partner::Partner record a row (institutional
-- data, never a client's). A store holding a unit's network checks every
-- partner a case of that unit names against it (lk3_storage::partners).

-- A partner id belongs to one unit's network.
CREATE TABLE partners (
    unit       TEXT COLLATE "C" NOT NULL,
    partner_id TEXT COLLATE "C" NOT NULL,
    record     TEXT COLLATE "C" NOT NULL,
    row_check  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, partner_id)
);
CREATE UNIQUE INDEX partners_by_id ON partners (partner_id);
