-- The outbox of issuance jobs, their status timeline, and the audit log of
-- staff actions. Owned by crate::queue and store::audit; the statuses are
-- described at the top of crate::queue.
CREATE TABLE jobs (
    -- A UUID: the idempotency key, carried to the service.
    job_id          TEXT PRIMARY KEY,
    template        TEXT NOT NULL,
    service         TEXT NOT NULL,
    -- 'desk' (back to the desk or kiosk) or 'remote' (sent by email or SMS).
    route           TEXT NOT NULL,
    person_id       INTEGER REFERENCES roster_people(person_id),
    -- Personal data: JSON claims, the JPEG, the JSON contact. NULL once purged.
    claims          TEXT,
    photo           BLOB,
    contact         TEXT,
    -- A remote job's claim window, in the service's names (e.g. 'oneWeek').
    remote_expiry   TEXT,
    -- Who the job is for, for the queue list ("ready: call Megan Bowen"); purged with the claims.
    recipient       TEXT,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- When the drain next acts on the job: send it, probe its service, or
    -- ask the service where a sent one stands.
    next_attempt_ms INTEGER,
    -- When it was first and last handed to the service: the time a look-up
    -- for what it created searches.
    first_attempt_ms INTEGER,
    last_attempt_ms INTEGER,
    -- 1 once a request to create it may have reached the service and no
    -- answer said otherwise: the drain asks the service before sending again.
    maybe_sent      INTEGER NOT NULL DEFAULT 0,
    -- How often a sent job's status was asked, for the polls' backoff.
    polls           INTEGER NOT NULL DEFAULT 0,
    last_error_code TEXT,
    last_error      TEXT,
    -- The service's id for what the job created (a remote issuance).
    remote_id       TEXT,
    -- Set when staff issued this template to this person again on purpose.
    override_reason TEXT,
    created_at_ms   INTEGER NOT NULL,
    updated_at_ms   INTEGER NOT NULL,
    ended_at_ms     INTEGER,
    purged_at_ms    INTEGER
);
-- "Issued once": one live or successful job per roster person and template,
-- unless staff override.
CREATE UNIQUE INDEX jobs_issued_once ON jobs(person_id, template)
    WHERE person_id IS NOT NULL AND override_reason IS NULL AND status NOT IN ('failed', 'cancelled');
CREATE INDEX jobs_by_status ON jobs(status, next_attempt_ms);
-- A roster person's waiting jobs, found by roster search at a kiosk.
CREATE INDEX jobs_by_person ON jobs(person_id, status) WHERE person_id IS NOT NULL;
-- The retention sweep: ended jobs whose details are still kept (a new
-- job is not in it, so queueing one writes no page of it).
CREATE INDEX jobs_to_purge ON jobs(ended_at_ms) WHERE purged_at_ms IS NULL AND ended_at_ms IS NOT NULL;
CREATE TABLE job_events (
    id      INTEGER PRIMARY KEY,
    job_id  TEXT NOT NULL REFERENCES jobs(job_id),
    status  TEXT NOT NULL,
    detail  TEXT,
    at_ms   INTEGER NOT NULL
);
CREATE INDEX job_events_by_job ON job_events(job_id, id);
CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    at_ms    INTEGER NOT NULL,
    -- 'staff', 'kiosk' or 'station' (the station acting by itself).
    actor    TEXT NOT NULL,
    -- issued, retried, cancelled, overridden, purged, imported, repaired.
    action   TEXT NOT NULL,
    subject  TEXT,
    detail   TEXT
);
CREATE INDEX audit_by_time ON audit(at_ms);
