-- Issue 3: case handling (C1–C11). The case row holds the state the state machine needs
-- (derived from its append-only events) and the running step clock; the worker's index is
-- next_check_at.

-- C3: the street's departments (职能部门), seeded from the category catalogue.
CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    code TEXT NOT NULL,
    zh TEXT NOT NULL,
    en TEXT NOT NULL,
    UNIQUE (street_id, code)
);

-- Who works for a department (department staff and specialist grid members).
CREATE TABLE department_members (
    street_id INTEGER NOT NULL REFERENCES streets(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (department_id, person_id)
);
CREATE INDEX department_members_person ON department_members(person_id);

-- C2: the category tree of a street; seeded from the versioned catalogue file, editable by
-- street admins (edited_at set: a newer catalogue leaves the row as the street wrote it).
CREATE TABLE case_categories (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    code TEXT NOT NULL,
    parent_code TEXT,
    kind TEXT NOT NULL,
    standard_code TEXT,
    zh TEXT NOT NULL,
    en TEXT NOT NULL,
    department_code TEXT,
    dispatch_limit TEXT,
    handle_limit TEXT,
    basis TEXT,
    active BOOLEAN NOT NULL,
    catalogue_version INTEGER NOT NULL,
    edited_at INTEGER,
    UNIQUE (street_id, code)
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    -- SHA-256 of the reporter's private tracking token (C6); the token itself is shown once.
    token_hash TEXT NOT NULL UNIQUE,
    category_code TEXT NOT NULL,
    channel TEXT NOT NULL,
    description TEXT NOT NULL,
    address TEXT,
    lat REAL,
    lng REAL,
    community_id INTEGER REFERENCES areas(id),
    grid_id INTEGER REFERENCES areas(id),
    micro_grid_id INTEGER REFERENCES areas(id),
    reporter_name TEXT,
    reporter_phone TEXT,
    reporter_email TEXT,
    reporter_user_id INTEGER REFERENCES users(id),
    created_by INTEGER REFERENCES users(id),
    open311_key_id INTEGER,
    -- C8: a retried request with the same key from the same source returns the first case.
    idempotency_scope TEXT,
    idempotency_key TEXT,
    duplicate_of INTEGER REFERENCES cases(id),
    status TEXT NOT NULL,
    level TEXT NOT NULL,
    assignment TEXT,
    handler_tier TEXT,
    handler_unit INTEGER,
    escalation_level INTEGER NOT NULL,
    reworks INTEGER NOT NULL,
    reopens INTEGER NOT NULL,
    rating INTEGER,
    rating_comment TEXT,
    merged_into INTEGER REFERENCES cases(id),
    clock TEXT,
    due_at INTEGER,
    next_check_at INTEGER,
    final_reply TEXT,
    version INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    registered_at INTEGER,
    dispatched_at INTEGER,
    accepted_at INTEGER,
    handled_at INTEGER,
    closed_at INTEGER,
    updated_at INTEGER NOT NULL,
    UNIQUE (idempotency_scope, idempotency_key)
);
CREATE INDEX cases_handler ON cases(handler_tier, handler_unit, due_at) WHERE handler_unit IS NOT NULL;
CREATE INDEX cases_next_check ON cases(next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX cases_community ON cases(community_id, received_at);
-- Open cases are exactly those someone holds (handler_unit set): the work lists' partial indexes.
CREATE INDEX cases_open_community ON cases(community_id, due_at) WHERE handler_unit IS NOT NULL;
-- C8: open cases of a category near a point (a latitude band, then the box and the distance).
CREATE INDEX cases_open_category ON cases(street_id, category_code, lat) WHERE handler_unit IS NOT NULL;
CREATE INDEX cases_grid ON cases(grid_id, status);
CREATE INDEX cases_category ON cases(street_id, category_code, status);
CREATE INDEX cases_received ON cases(street_id, received_at);
CREATE INDEX cases_reporter ON cases(reporter_user_id) WHERE reporter_user_id IS NOT NULL;
-- C10: the suggester learns from the latest closed cases.
CREATE INDEX cases_closed ON cases(street_id, closed_at) WHERE status = 'closed';

-- C4, R6: append-only; seq is the case's version after the event, so two writers that read the
-- same version cannot both append.
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    seq INTEGER NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    action TEXT NOT NULL,
    by_tier TEXT NOT NULL,
    by_user_id INTEGER REFERENCES users(id),
    at INTEGER NOT NULL,
    detail TEXT NOT NULL,
    UNIQUE (case_id, seq)
);
CREATE INDEX case_events_action ON case_events(street_id, action, at);

CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case events are append-only');
END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case events are append-only');
END;

-- C3: a department's part in joint handling (联办), kept in step with the case's assignment so
-- that a department finds its work with one indexed lookup.
CREATE TABLE case_subtasks (
    street_id INTEGER NOT NULL REFERENCES streets(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    lead BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    due_at INTEGER,
    PRIMARY KEY (case_id, department_id)
);
CREATE INDEX case_subtasks_department ON case_subtasks(department_id, status);

-- C7: evidence. The bytes live on disk under their SHA-256; this row says who sent what, for
-- which case, and what the content (sniffed, not the file name) is.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    case_id INTEGER REFERENCES cases(id),
    purpose TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    mime TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    name TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    uploaded_at INTEGER NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id);

-- A5: in-app notifications.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    case_id INTEGER REFERENCES cases(id),
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, read_at, created_at);

-- A5: outgoing webhooks, signed with the hook's secret; deliveries are an outbox the worker
-- drains (claimed like deadline checks).
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    webhook_id INTEGER NOT NULL REFERENCES webhooks(id),
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER,
    delivered_at INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE next_attempt_at IS NOT NULL;

-- I3: Open311 API keys (only a SHA-256 of each key is stored).
CREATE TABLE open311_keys (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
