-- P6: the grid council (议事会) and micro-update projects (微更新).

-- Council members per grid. A person holds at most one active seat on a grid's council.
CREATE TABLE council_members (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER NOT NULL REFERENCES areas(id),
    grid_id INTEGER NOT NULL REFERENCES areas(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    appointed_by INTEGER REFERENCES users(id),
    appointed_at INTEGER NOT NULL,
    removed_by INTEGER REFERENCES users(id),
    removed_at INTEGER
);
CREATE UNIQUE INDEX council_members_active ON council_members(grid_id, person_id) WHERE removed_at IS NULL;
CREATE INDEX council_members_person ON council_members(person_id);

-- A topic and its decision. The vote's rules are fixed when it opens; `electorate` is the
-- number of members then. The counts are kept here for both kinds of ballot: a secret vote
-- leaves no choice beside the voter's name.
CREATE TABLE council_topics (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER NOT NULL REFERENCES areas(id),
    grid_id INTEGER NOT NULL REFERENCES areas(id),
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    raised_by INTEGER NOT NULL REFERENCES users(id),
    raised_by_person INTEGER REFERENCES people(id),
    status TEXT NOT NULL,
    ballot TEXT,
    majority TEXT,
    quorum_percent INTEGER,
    electorate INTEGER,
    votes_yes INTEGER NOT NULL DEFAULT 0,
    votes_no INTEGER NOT NULL DEFAULT 0,
    votes_abstain INTEGER NOT NULL DEFAULT 0,
    vote_opened_at INTEGER,
    vote_closed_at INTEGER,
    decided_by TEXT,
    decided_at INTEGER,
    minutes TEXT,
    minutes_held_on TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX council_topics_grid ON council_topics(grid_id, status);
CREATE INDEX council_topics_community ON council_topics(community_id, created_at);

CREATE TABLE council_comments (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    topic_id INTEGER NOT NULL REFERENCES council_topics(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    person_id INTEGER REFERENCES people(id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX council_comments_topic ON council_comments(topic_id, id);

CREATE TABLE council_follows (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    topic_id INTEGER NOT NULL REFERENCES council_topics(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    UNIQUE (topic_id, user_id)
);

-- One vote per member per topic: the unique index refuses a second row even when two requests
-- race. `choice` is NULL on secret ballots.
CREATE TABLE council_votes (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    topic_id INTEGER NOT NULL REFERENCES council_topics(id),
    member_id INTEGER NOT NULL REFERENCES council_members(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    choice TEXT,
    voted_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX council_votes_one_per_member ON council_votes(topic_id, person_id);

-- Implementation of an adopted topic, and its supervision.
CREATE TABLE council_items (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER NOT NULL REFERENCES areas(id),
    grid_id INTEGER NOT NULL REFERENCES areas(id),
    topic_id INTEGER NOT NULL REFERENCES council_topics(id),
    title TEXT NOT NULL,
    owner_person_id INTEGER NOT NULL REFERENCES people(id),
    deadline TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    done_at INTEGER
);
CREATE INDEX council_items_topic ON council_items(topic_id);
CREATE INDEX council_items_owner ON council_items(owner_person_id, status);

CREATE TABLE council_reports (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    item_id INTEGER NOT NULL REFERENCES council_items(id),
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    reported_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX council_reports_item ON council_reports(item_id, id);

-- Micro-update projects.
CREATE TABLE council_projects (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER NOT NULL REFERENCES areas(id),
    grid_id INTEGER REFERENCES areas(id),
    topic_id INTEGER REFERENCES council_topics(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    accepted_at INTEGER
);
CREATE INDEX council_projects_community ON council_projects(community_id, status);

CREATE TABLE council_project_stages (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    project_id INTEGER NOT NULL REFERENCES council_projects(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at INTEGER,
    done_at INTEGER,
    UNIQUE (project_id, position)
);

-- `case_id` links a problem to the case it became (C1); no foreign key, so problems do not
-- depend on case handling's tables.
CREATE TABLE council_project_problems (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    project_id INTEGER NOT NULL REFERENCES council_projects(id),
    stage_id INTEGER REFERENCES council_project_stages(id),
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    found_by INTEGER NOT NULL REFERENCES users(id),
    found_at INTEGER NOT NULL,
    resolved_by INTEGER REFERENCES users(id),
    resolved_at INTEGER,
    resolution TEXT,
    case_id INTEGER
);
CREATE INDEX council_project_problems_project ON council_project_problems(project_id, status);

CREATE TABLE council_project_milestones (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    project_id INTEGER NOT NULL REFERENCES council_projects(id),
    name TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT
);
CREATE INDEX council_project_milestones_project ON council_project_milestones(project_id, due_on);

-- `photos`: references (file names or ids) of the attachment store's pictures, as a JSON list.
CREATE TABLE council_project_acceptances (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    project_id INTEGER NOT NULL REFERENCES council_projects(id),
    passed BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    photos TEXT NOT NULL,
    accepted_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX council_project_acceptances_project ON council_project_acceptances(project_id);
