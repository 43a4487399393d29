-- lk3 store, schema version 4 (PostgreSQL): when each case and outreach was
-- last written, and the clients of each case by client, so that a report
-- selects in the store what may be active in its period and asks about the
-- clients served before it, instead of reading every earlier case.

-- The time of a stream's last event (microseconds, UTC), as the fold has it
-- (a row without its stream, in a damaged store, keeps a time; verify names it).
ALTER TABLE cases ADD COLUMN last_at BIGINT;
UPDATE cases c SET last_at = e.occurred_at
FROM streams s JOIN events e ON e.unit = s.unit AND e.stream_id = s.stream_id AND e.seq = s.version
WHERE s.unit = c.unit AND s.stream_id = c.case_id;
UPDATE cases SET last_at = opened_at WHERE last_at IS NULL;
ALTER TABLE cases ALTER COLUMN last_at SET NOT NULL;

-- What may be active in a period (opened before its end; written since its
-- start or not finished) is read off one index without the rows; it starts
-- with what cases_by_opened held.
CREATE INDEX cases_by_activity ON cases (unit, opened_at, last_at, stage, case_id);
DROP INDEX cases_by_opened;
-- A case found by id answers "finished, and when last written?" from the
-- index alone (the clients served before a period).
CREATE UNIQUE INDEX cases_by_id_activity ON cases (case_id) INCLUDE (unit, last_at, stage);
DROP INDEX cases_by_id;
ALTER INDEX cases_by_id_activity RENAME TO cases_by_id;

ALTER TABLE outreaches ADD COLUMN last_at BIGINT;
UPDATE outreaches o SET last_at = e.occurred_at
FROM streams s JOIN events e ON e.unit = s.unit AND e.stream_id = s.stream_id AND e.seq = s.version
WHERE s.unit = o.unit AND s.stream_id = o.outreach_id;
UPDATE outreaches SET last_at = reported_at WHERE last_at IS NULL;
ALTER TABLE outreaches ALTER COLUMN last_at SET NOT NULL;

-- Who is a client of which case (registry ids only, as in the summary).
CREATE TABLE case_clients (
    unit      TEXT COLLATE "C" NOT NULL,
    client_id TEXT COLLATE "C" NOT NULL,
    case_id   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, client_id, case_id)
);
CREATE INDEX case_clients_by_case ON case_clients (unit, case_id);
INSERT INTO case_clients (unit, client_id, case_id)
SELECT DISTINCT c.unit, k.client_id, c.case_id
FROM cases c CROSS JOIN LATERAL jsonb_array_elements_text(c.summary::jsonb -> 'clients') AS k(client_id);

-- The planner's statistics of the rewritten table and the new ones.
ANALYZE cases;
ANALYZE outreaches;
ANALYZE case_clients;
