-- lk3 store, schema version 10 (SQLite): the clients of a case are read from
-- one index that holds them. With (unit, case_id) alone the planner read
-- the clients of a whole unit for each case (the primary key starts with the
-- client), and `verify` of 60,000 cases took minutes per 500.
DROP INDEX case_clients_by_case;
CREATE INDEX case_clients_by_case ON case_clients (unit, case_id, client_id);
