-- lk3 store, schema version 5 (SQLite): each unit's partner network
-- (jejaring), one lk3_core::partner::Partner record a row (institutional
-- data, never a client's). A store holding a unit's network checks every
-- partner a case of that unit names against it (lk3_storage::partners).

-- A partner id belongs to one unit's network.
CREATE TABLE partners (
    unit       TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    record     TEXT NOT NULL,
    row_check  TEXT NOT NULL,
    PRIMARY KEY (unit, partner_id)
);
CREATE UNIQUE INDEX partners_by_id ON partners (partner_id);
