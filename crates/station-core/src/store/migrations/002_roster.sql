-- The roster: people expected at the event, imported from CSV and searched
-- as staff type. Owned by the roster module (crate::roster).
CREATE TABLE roster_imports (
    import_id   INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    template    TEXT NOT NULL,
    people      INTEGER NOT NULL,
    at_ms       INTEGER NOT NULL
);
CREATE TABLE roster_people (
    person_id   INTEGER PRIMARY KEY,
    import_id   INTEGER NOT NULL REFERENCES roster_imports(import_id),
    -- The CSV's own id for the person, when a column maps to it.
    external_id TEXT UNIQUE,
    -- JSON object, claim name to value.
    claims      TEXT NOT NULL,
    -- The claim values search matches.
    search_text TEXT NOT NULL
);
CREATE VIRTUAL TABLE roster_search USING fts5(
    search_text,
    content = 'roster_people',
    content_rowid = 'person_id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
CREATE TRIGGER roster_people_ai AFTER INSERT ON roster_people BEGIN
    INSERT INTO roster_search(rowid, search_text) VALUES (new.person_id, new.search_text);
END;
CREATE TRIGGER roster_people_ad AFTER DELETE ON roster_people BEGIN
    INSERT INTO roster_search(roster_search, rowid, search_text) VALUES ('delete', old.person_id, old.search_text);
END;
CREATE TRIGGER roster_people_au AFTER UPDATE ON roster_people BEGIN
    INSERT INTO roster_search(roster_search, rowid, search_text) VALUES ('delete', old.person_id, old.search_text);
    INSERT INTO roster_search(rowid, search_text) VALUES (new.person_id, new.search_text);
END;
