-- lk3 store, schema version 6 (PostgreSQL): cases transferred between units.
-- A case's history stays where it was opened (its rows keep that unit); the
-- unit holding it now, and every transfer asked of another unit, are query
-- rows derived from its fold like the others.

-- The unit holding the case: the opening unit until a transfer is accepted.
ALTER TABLE cases ADD COLUMN holder TEXT COLLATE "C";
UPDATE cases SET holder = unit;
ALTER TABLE cases ALTER COLUMN holder SET NOT NULL;
CREATE INDEX cases_by_holder ON cases (holder, case_id);

-- Each transfer of a case, by its place in the case's order.
CREATE TABLE case_transfers (
    unit     TEXT COLLATE "C" NOT NULL,
    case_id  TEXT COLLATE "C" NOT NULL,
    n        BIGINT           NOT NULL,
    to_unit  TEXT COLLATE "C" NOT NULL,
    state    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, case_id, n)
);
CREATE INDEX case_transfers_by_target ON case_transfers (to_unit, state, case_id);
