-- lk3 store, schema version 1 (PostgreSQL). Every table is keyed first by the
-- LK3 unit. Ids are hyphenated lowercase UUID text, times are microseconds
-- since the Unix epoch (UTC), hashes are 64 hex digits. Text compares
-- bytewise (COLLATE "C"), so id order is the same on every server.

CREATE TABLE streams (
    unit       TEXT COLLATE "C"    NOT NULL,
    stream_id  TEXT COLLATE "C"    NOT NULL,
    kind       TEXT COLLATE "C"    NOT NULL,
    version    BIGINT  NOT NULL,
    head_hash  TEXT COLLATE "C"    NOT NULL,
    PRIMARY KEY (unit, stream_id)
);
CREATE UNIQUE INDEX streams_by_id ON streams (stream_id);

-- The append-only log. `body` is the whole event as JSON and is the truth.
CREATE TABLE events (
    unit        TEXT COLLATE "C"    NOT NULL,
    stream_id   TEXT COLLATE "C"    NOT NULL,
    seq         BIGINT  NOT NULL,
    event_id    TEXT COLLATE "C"    NOT NULL,
    command_id  TEXT COLLATE "C"    NOT NULL,
    occurred_at BIGINT  NOT NULL,
    hash        TEXT COLLATE "C"    NOT NULL,
    body        TEXT COLLATE "C"    NOT NULL,
    PRIMARY KEY (unit, stream_id, seq)
);

CREATE TABLE commands (
    unit       TEXT COLLATE "C"    NOT NULL,
    command_id TEXT COLLATE "C"    NOT NULL,
    stream_id  TEXT COLLATE "C"    NOT NULL,
    first_seq  BIGINT  NOT NULL,
    last_seq   BIGINT  NOT NULL,
    PRIMARY KEY (unit, command_id)
);
CREATE UNIQUE INDEX commands_by_id ON commands (command_id);

-- Projections, rewritten in the same transaction as the events.
CREATE TABLE cases (
    unit      TEXT COLLATE "C"    NOT NULL,
    case_id   TEXT COLLATE "C"    NOT NULL,
    stage     TEXT COLLATE "C"    NOT NULL,
    worker    TEXT COLLATE "C",
    opened_at BIGINT  NOT NULL,
    summary   TEXT COLLATE "C"    NOT NULL,
    PRIMARY KEY (unit, case_id)
);
CREATE UNIQUE INDEX cases_by_id ON cases (case_id);
CREATE INDEX cases_by_stage ON cases (unit, stage, case_id);
CREATE INDEX cases_by_worker ON cases (unit, worker, case_id);
CREATE INDEX cases_by_opened ON cases (unit, opened_at);

CREATE TABLE case_problems (
    unit    TEXT COLLATE "C" NOT NULL,
    problem TEXT COLLATE "C" NOT NULL,
    case_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, problem, case_id)
);
CREATE INDEX case_problems_by_case ON case_problems (unit, case_id);

CREATE TABLE case_services (
    unit       TEXT COLLATE "C" NOT NULL,
    case_id    TEXT COLLATE "C" NOT NULL,
    service_id TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL,
    state      TEXT COLLATE "C" NOT NULL,
    deadline   BIGINT ,
    PRIMARY KEY (unit, case_id, service_id)
);
CREATE INDEX case_services_by_kind ON case_services (unit, kind, state, case_id);
CREATE INDEX case_services_by_deadline ON case_services (unit, state, deadline);

CREATE TABLE case_consents (
    unit       TEXT COLLATE "C" NOT NULL,
    client_id  TEXT COLLATE "C" NOT NULL,
    consent_id TEXT COLLATE "C" NOT NULL,
    case_id    TEXT COLLATE "C" NOT NULL,
    consent    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, client_id, consent_id)
);
CREATE INDEX case_consents_by_case ON case_consents (unit, case_id);

CREATE TABLE outreaches (
    unit        TEXT COLLATE "C"    NOT NULL,
    outreach_id TEXT COLLATE "C"    NOT NULL,
    state       TEXT COLLATE "C"    NOT NULL,
    reported_at BIGINT  NOT NULL,
    summary     TEXT COLLATE "C"    NOT NULL,
    PRIMARY KEY (unit, outreach_id)
);

-- Personal data, apart from the events (DESIGN §7).
CREATE TABLE clients (
    unit      TEXT COLLATE "C" NOT NULL,
    client_id TEXT COLLATE "C" NOT NULL,
    record    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, client_id)
);

CREATE TABLE notes (
    unit      TEXT COLLATE "C" NOT NULL,
    digest    TEXT COLLATE "C" NOT NULL,
    case_id   TEXT COLLATE "C",
    subjects  TEXT COLLATE "C" NOT NULL,
    salt      TEXT COLLATE "C",
    text      TEXT COLLATE "C",
    erased_at BIGINT ,
    PRIMARY KEY (unit, digest)
);

CREATE TABLE note_subjects (
    unit      TEXT COLLATE "C" NOT NULL,
    client_id TEXT COLLATE "C" NOT NULL,
    digest    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, client_id, digest)
);

-- Erasure leaves a trace: who was erased, when, how many notes.
CREATE TABLE erasures (
    unit         TEXT COLLATE "C"    NOT NULL,
    client_id    TEXT COLLATE "C"    NOT NULL,
    erased_at    BIGINT  NOT NULL,
    identity_removed BIGINT NOT NULL,
    notes_erased BIGINT  NOT NULL,
    PRIMARY KEY (unit, client_id, erased_at)
);
