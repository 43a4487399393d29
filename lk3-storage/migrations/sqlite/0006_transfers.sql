-- lk3 store, schema version 6 (SQLite): cases transferred between units.
-- A case's history stays where it was opened (its rows keep that unit); the
-- unit holding it now, and every transfer asked of another unit, are query
-- rows derived from its fold like the others.

-- The unit holding the case: the opening unit until a transfer is accepted.
ALTER TABLE cases ADD COLUMN holder TEXT;
UPDATE cases SET holder = unit;
CREATE INDEX cases_by_holder ON cases (holder, case_id);

-- Each transfer of a case, by its place in the case's order.
CREATE TABLE case_transfers (
    unit     TEXT    NOT NULL,
    case_id  TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    to_unit  TEXT    NOT NULL,
    state    TEXT    NOT NULL,
    PRIMARY KEY (unit, case_id, n)
);
CREATE INDEX case_transfers_by_target ON case_transfers (to_unit, state, case_id);
