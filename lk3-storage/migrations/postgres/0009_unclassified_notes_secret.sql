-- lk3 store, schema version 9 (PostgreSQL). A note row written before schema
-- 8 is given the sensitivity `rahasia`, not `biasa` as migration 8 said: what
-- was never classified is read as secret. And the access log refuses TRUNCATE
-- too (a row trigger does not see it).
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION lk3_access_log_append_only();
