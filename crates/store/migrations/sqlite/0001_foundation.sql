-- Territory (T1), people and posts (T4–T7), accounts (R3), audit (R6), settings.
-- Every street-owned table carries street_id (D3). Ids are assigned by the database; times are
-- epoch milliseconds (UTC) written by the application; dates are ISO 'YYYY-MM-DD' text.

CREATE TABLE streets (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    boundary TEXT,
    created_at INTEGER NOT NULL
);

-- Communities, grids and micro-grids; parent_id is NULL for a community (its parent is the street).
CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    level TEXT NOT NULL,
    parent_id INTEGER REFERENCES areas(id),
    community_id INTEGER REFERENCES areas(id),
    grid_id INTEGER REFERENCES areas(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT,
    boundary TEXT
);
CREATE INDEX areas_parent ON areas(street_id, parent_id);
CREATE INDEX areas_level ON areas(street_id, level);

CREATE TABLE buildings (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER REFERENCES areas(id),
    grid_id INTEGER REFERENCES areas(id),
    micro_grid_id INTEGER REFERENCES areas(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    kind TEXT NOT NULL,
    floors INTEGER NOT NULL,
    lat REAL,
    lng REAL
);
CREATE INDEX buildings_micro_grid ON buildings(street_id, micro_grid_id);

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    building_id INTEGER NOT NULL REFERENCES buildings(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE INDEX units_building ON units(street_id, building_id);

CREATE TABLE households (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER REFERENCES areas(id),
    grid_id INTEGER REFERENCES areas(id),
    micro_grid_id INTEGER REFERENCES areas(id),
    building_id INTEGER NOT NULL REFERENCES buildings(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    code TEXT NOT NULL UNIQUE,
    room TEXT NOT NULL
);
CREATE INDEX households_unit ON households(street_id, unit_id);
CREATE INDEX households_micro_grid ON households(street_id, micro_grid_id);

CREATE TABLE residents (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER REFERENCES areas(id),
    grid_id INTEGER REFERENCES areas(id),
    micro_grid_id INTEGER REFERENCES areas(id),
    building_id INTEGER NOT NULL REFERENCES buildings(id),
    household_id INTEGER NOT NULL REFERENCES households(id),
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    birth_year INTEGER NOT NULL,
    phone TEXT,
    relation TEXT NOT NULL,
    UNIQUE (household_id, name)
);
CREATE INDEX residents_household ON residents(street_id, household_id);
CREATE INDEX residents_grid ON residents(street_id, grid_id);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    phone TEXT,
    party_member BOOLEAN NOT NULL,
    household_id INTEGER REFERENCES households(id)
);

-- T5: role + unit + period. unit_id points into streets, areas or buildings according to level.
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    level TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    -- The unit's place in the tree, so scope filters (R4) are one indexed comparison.
    community_id INTEGER,
    grid_id INTEGER,
    micro_grid_id INTEGER,
    building_id INTEGER,
    starts_on TEXT NOT NULL,
    ends_on TEXT
);
CREATE INDEX posts_person ON posts(street_id, person_id);
CREATE INDEX posts_unit ON posts(street_id, level, unit_id);

CREATE TABLE party_orgs (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id INTEGER REFERENCES party_orgs(id),
    level TEXT NOT NULL,
    unit_id INTEGER NOT NULL
);

CREATE TABLE party_members (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    party_org_id INTEGER NOT NULL REFERENCES party_orgs(id),
    community_id INTEGER NOT NULL REFERENCES areas(id),
    micro_grid_id INTEGER REFERENCES areas(id),
    registered_on TEXT NOT NULL,
    UNIQUE (person_id, party_org_id)
);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    leader_id INTEGER REFERENCES people(id)
);

CREATE TABLE team_members (
    street_id INTEGER NOT NULL REFERENCES streets(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (team_id, person_id)
);

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    micro_grid_id INTEGER NOT NULL REFERENCES areas(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    industry TEXT NOT NULL
);

CREATE TABLE duties (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    role TEXT NOT NULL,
    title TEXT NOT NULL,
    UNIQUE (street_id, role, title)
);

CREATE TABLE work_items (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    category TEXT NOT NULL,
    item TEXT NOT NULL,
    UNIQUE (street_id, category, item)
);

-- Accounts. A superuser is the installation's administrator; everyone else acts through the
-- posts of the person the account belongs to (R4).
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    street_id INTEGER REFERENCES streets(id),
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    person_id INTEGER REFERENCES people(id),
    superuser BOOLEAN NOT NULL,
    locale TEXT,
    disabled BOOLEAN NOT NULL,
    created_at INTEGER NOT NULL
);

-- Only a SHA-256 of each token is stored, so a leaked table opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);

-- R6: append-only.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    street_id INTEGER REFERENCES streets(id),
    at INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    detail TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events(street_id, entity, entity_id);

CREATE TABLE settings (
    street_id INTEGER NOT NULL REFERENCES streets(id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (street_id, key)
);
