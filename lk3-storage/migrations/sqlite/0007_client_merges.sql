-- lk3 store, schema version 7 (SQLite): two registry records found to be
-- one person. The merged record leaves `clients`; this row, checked like
-- every row that cannot be made again from the events, says which id it is
-- read as from then on (lookups, files, reports). Events are never rewritten.
CREATE TABLE client_merges (
    unit       TEXT    NOT NULL,
    client_id  TEXT    NOT NULL,
    into_id    TEXT    NOT NULL,
    merged_at  INTEGER NOT NULL,
    merged_by  TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    row_check  TEXT    NOT NULL,
    PRIMARY KEY (unit, client_id)
);
