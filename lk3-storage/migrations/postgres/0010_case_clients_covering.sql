-- lk3 store, schema version 10 (PostgreSQL): the clients of a case are read
-- from one index that holds them (an index-only scan), as on SQLite.
DROP INDEX case_clients_by_case;
CREATE INDEX case_clients_by_case ON case_clients (unit, case_id, client_id);
