-- History of flows, the requests each created, and the events heard.
CREATE TABLE flows (
    flow_id         TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    template        TEXT NOT NULL,
    service         TEXT NOT NULL,
    claims          TEXT NOT NULL,
    started_at_ms   INTEGER NOT NULL,
    outcome         TEXT,
    outcome_code    TEXT,
    outcome_message TEXT,
    ended_at_ms     INTEGER
);
CREATE TABLE requests (
    request_id     TEXT PRIMARY KEY,
    flow_id        TEXT NOT NULL REFERENCES flows(flow_id),
    url            TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    expires_at_ms  INTEGER NOT NULL
);
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    flow_id     TEXT NOT NULL REFERENCES flows(flow_id),
    request_id  TEXT NOT NULL,
    event       TEXT NOT NULL,
    code        TEXT,
    message     TEXT,
    ignored     INTEGER NOT NULL DEFAULT 0,
    at_ms       INTEGER NOT NULL
);
CREATE INDEX events_by_flow ON events(flow_id, id);
CREATE INDEX flows_by_start ON flows(started_at_ms);
