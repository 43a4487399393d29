-- lk3 store, schema version 4 (SQLite): when each case and outreach was
-- last written, and the clients of each case by client, so that a report
-- selects in the store what may be active in its period and asks about the
-- clients served before it, instead of reading every earlier case.

-- The time of a stream's last event (microseconds, UTC), as the fold has it
-- (a row without its stream, in a damaged store, keeps a time; verify names it).
-- SQLite adds a NOT NULL column only with a default; every row is set here.
ALTER TABLE cases ADD COLUMN last_at INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET last_at = COALESCE((
    SELECT e.occurred_at FROM streams s JOIN events e ON e.unit = s.unit AND e.stream_id = s.stream_id AND e.seq = s.version
    WHERE s.unit = cases.unit AND s.stream_id = cases.case_id
), opened_at);

-- What may be active in a period (opened before its end; written since its
-- start or not finished) is read off one index without the rows; it starts
-- with what cases_by_opened held.
CREATE INDEX cases_by_activity ON cases (unit, opened_at, last_at, stage, case_id);
DROP INDEX cases_by_opened;

ALTER TABLE outreaches ADD COLUMN last_at INTEGER NOT NULL DEFAULT 0;
UPDATE outreaches SET last_at = COALESCE((
    SELECT e.occurred_at FROM streams s JOIN events e ON e.unit = s.unit AND e.stream_id = s.stream_id AND e.seq = s.version
    WHERE s.unit = outreaches.unit AND s.stream_id = outreaches.outreach_id
), reported_at);

-- Who is a client of which case (registry ids only, as in the summary).
CREATE TABLE case_clients (
    unit      TEXT NOT NULL,
    client_id TEXT NOT NULL,
    case_id   TEXT NOT NULL,
    PRIMARY KEY (unit, client_id, case_id)
);
CREATE INDEX case_clients_by_case ON case_clients (unit, case_id);
INSERT INTO case_clients (unit, client_id, case_id)
SELECT DISTINCT c.unit, k.value, c.case_id FROM cases c, json_each(c.summary, '$.clients') AS k;
