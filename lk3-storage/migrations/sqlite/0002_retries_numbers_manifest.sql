-- lk3 store, schema version 2 (SQLite): what a retried command id must
-- repeat, case numbers unique per unit, and a count of each unit's streams.

-- A command id is a retry only with the same fingerprint (see
-- lk3_storage::model::Fingerprint). Rows of version 1 take their last
-- event's hash: a re-imported document still matches, while a command
-- retried under an old id is refused rather than answered with what
-- another command did.
ALTER TABLE commands ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
UPDATE commands SET fingerprint = COALESCE((
    SELECT e.hash FROM events e
    WHERE e.unit = commands.unit AND e.stream_id = commands.stream_id AND e.seq = commands.last_seq
), '');

-- A unit gives each case number once.
ALTER TABLE cases ADD COLUMN case_number TEXT;
UPDATE cases SET case_number = json_extract(summary, '$.case_number');
CREATE UNIQUE INDEX cases_by_number ON cases (unit, case_number);

-- How many streams each unit has: a stream deleted outside lk3, with all
-- its rows, still shows in `verify`.
CREATE TABLE manifest (
    unit    TEXT    NOT NULL PRIMARY KEY,
    streams INTEGER NOT NULL
);
INSERT INTO manifest (unit, streams) SELECT unit, COUNT(*) FROM streams GROUP BY unit;

-- Rows that cannot be made again from the events carry a check over their
-- other columns, so that `verify` finds a change made outside lk3. Rows of
-- version 1 are checked when the store is first opened for writing.
ALTER TABLE commands ADD COLUMN row_check TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN row_check TEXT NOT NULL DEFAULT '';
ALTER TABLE notes ADD COLUMN row_check TEXT NOT NULL DEFAULT '';
ALTER TABLE erasures ADD COLUMN row_check TEXT NOT NULL DEFAULT '';

-- A case's problems read by case: the index covers the row, so the planner
-- takes it rather than the primary key's (unit first, then every problem).
DROP INDEX case_problems_by_case;
CREATE INDEX case_problems_by_case ON case_problems (unit, case_id, problem);
