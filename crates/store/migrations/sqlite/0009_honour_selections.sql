-- P2 annual selection (年度评选): a community's selection of one year, with its candidates
-- frozen at creation. One selection per community and year. Published selections never change.
CREATE TABLE honour_selections (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER NOT NULL REFERENCES areas(id),
    year INTEGER NOT NULL,
    status TEXT NOT NULL,
    -- The building-group star thresholds used, so the stars can be explained later.
    star_percent TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    published_by INTEGER REFERENCES users(id),
    published_at INTEGER,
    UNIQUE (community_id, year)
);
CREATE INDEX honour_selections_street ON honour_selections(street_id, status, year);

-- Candidates with the figures of the year as they were when the selection started. `subject_id`
-- is the person (volunteer) or the building (building group); the name is kept as shown then.
CREATE TABLE honour_candidates (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    selection_id INTEGER NOT NULL REFERENCES honour_selections(id),
    kind TEXT NOT NULL,
    rank INTEGER NOT NULL,
    subject_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    points INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    tasks INTEGER NOT NULL,
    participants INTEGER NOT NULL,
    residents INTEGER NOT NULL,
    stars INTEGER NOT NULL,
    chosen BOOLEAN NOT NULL,
    title TEXT,
    citation TEXT,
    UNIQUE (selection_id, kind, subject_id)
);
