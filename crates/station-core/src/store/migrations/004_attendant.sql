-- The attendant view (crate::attendant) counts the issuances that ended in
-- each of the last hours: flows by when they ended. Covering (kind, outcome
-- and code are in the index), so the count never reads a flow's row with its
-- claims; partial, so starting a flow writes no page of it.
CREATE INDEX flows_by_end ON flows(ended_at_ms, kind, outcome, outcome_code)
    WHERE ended_at_ms IS NOT NULL;
