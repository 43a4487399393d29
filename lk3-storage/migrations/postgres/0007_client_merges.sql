-- lk3 store, schema version 7 (PostgreSQL): two registry records found to be
-- one person. The merged record leaves `clients`; this row, checked like
-- every row that cannot be made again from the events, says which id it is
-- read as from then on (lookups, files, reports). Events are never rewritten.
CREATE TABLE client_merges (
    unit       TEXT COLLATE "C" NOT NULL,
    client_id  TEXT COLLATE "C" NOT NULL,
    into_id    TEXT COLLATE "C" NOT NULL,
    merged_at  BIGINT           NOT NULL,
    merged_by  TEXT COLLATE "C" NOT NULL,
    reason     TEXT COLLATE "C" NOT NULL,
    row_check  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, client_id)
);
