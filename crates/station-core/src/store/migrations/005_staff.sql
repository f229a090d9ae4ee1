-- The staff gate's count of wrong staff PINs (crate::staff::attempts): one
-- row, so killing the app does not reset the count or end a lockout. Times
-- are wall-clock milliseconds since 1970.
CREATE TABLE staff_attempts (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    failures         INTEGER NOT NULL,
    last_failure_ms  INTEGER,
    locked_until_ms  INTEGER
);
