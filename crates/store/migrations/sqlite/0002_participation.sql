-- Participation (issue 4): the points ledger (P1), awards and their review (P2), the points
-- store (P3), volunteer tasks and claims (P5). Scope columns (community_id, grid_id,
-- micro_grid_id) follow the record's place so permission filters stay one comparison (R4).

-- P1: one row per account. `holder_id` is the person (work, grid, hours) or the community
-- (issuing, store); the unique key leads with street_id so the table can be sharded by street (D3). `balance` caches the sum of the account's entries: it changes only in the
-- transaction that inserts an entry, with a compare-and-set that keeps people and stores at or
-- above zero; `onegrid_store::points::check` recomputes it.
CREATE TABLE points_accounts (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    kind TEXT NOT NULL,
    currency TEXT NOT NULL,
    holder_id INTEGER NOT NULL,
    person_id INTEGER REFERENCES people(id),
    community_id INTEGER REFERENCES areas(id),
    balance INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (street_id, holder_id, kind, currency),
    CHECK (kind = 'issuing' OR balance >= 0)
);
CREATE INDEX points_accounts_person ON points_accounts(person_id);

-- P1: append-only (triggers below). `community_id` is the community the movement is booked to
-- (statements); `reverses_id` is unique so an entry is reversed at most once.
CREATE TABLE points_entries (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER REFERENCES areas(id),
    currency TEXT NOT NULL,
    from_account_id INTEGER NOT NULL REFERENCES points_accounts(id),
    to_account_id INTEGER NOT NULL REFERENCES points_accounts(id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    reason TEXT NOT NULL,
    rule TEXT,
    note TEXT NOT NULL,
    source_kind TEXT,
    source_id INTEGER,
    reverses_id INTEGER UNIQUE REFERENCES points_entries(id),
    registered_by INTEGER REFERENCES users(id),
    approved_by INTEGER REFERENCES users(id),
    second_approved_by INTEGER REFERENCES users(id),
    at INTEGER NOT NULL
);
-- Statements read an account's or a community's entries of a period; honour lists a street's.
CREATE INDEX points_entries_from ON points_entries(from_account_id, at);
CREATE INDEX points_entries_to ON points_entries(to_account_id, at);
CREATE INDEX points_entries_community ON points_entries(community_id, at);
CREATE INDEX points_entries_street ON points_entries(street_id, at);

CREATE TRIGGER points_entries_no_update BEFORE UPDATE ON points_entries
BEGIN
    SELECT RAISE(ABORT, 'points entries are append-only');
END;
CREATE TRIGGER points_entries_no_delete BEFORE DELETE ON points_entries
BEGIN
    SELECT RAISE(ABORT, 'points entries are append-only');
END;

-- P2: registered → (first_approval →) credited | rejected. `source_kind`/`source_id` name the
-- record the points are for (a volunteer claim …); unique, so one record is rewarded once.
CREATE TABLE points_awards (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER NOT NULL REFERENCES areas(id),
    grid_id INTEGER REFERENCES areas(id),
    micro_grid_id INTEGER REFERENCES areas(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    currency TEXT NOT NULL,
    category TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    minutes INTEGER NOT NULL CHECK (minutes >= 0),
    note TEXT NOT NULL,
    activity_on TEXT NOT NULL,
    source_kind TEXT,
    source_id INTEGER,
    status TEXT NOT NULL,
    joint BOOLEAN NOT NULL,
    registered_by INTEGER NOT NULL REFERENCES users(id),
    registered_at INTEGER NOT NULL,
    first_approver INTEGER REFERENCES users(id),
    second_approver INTEGER REFERENCES users(id),
    decided_at INTEGER,
    rejected_by INTEGER REFERENCES users(id),
    reject_reason TEXT,
    entry_id INTEGER REFERENCES points_entries(id),
    hours_entry_id INTEGER REFERENCES points_entries(id),
    UNIQUE (source_kind, source_id)
);
CREATE INDEX points_awards_status ON points_awards(community_id, status);
CREATE INDEX points_awards_person ON points_awards(person_id);

-- P3: `stock` is decremented with compare-and-set (`stock > 0`), never below zero.
CREATE TABLE store_items (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER NOT NULL REFERENCES areas(id),
    grid_id INTEGER REFERENCES areas(id),
    micro_grid_id INTEGER REFERENCES areas(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    currency TEXT NOT NULL,
    price INTEGER NOT NULL CHECK (price > 0),
    stock INTEGER NOT NULL CHECK (stock >= 0),
    per_person_limit INTEGER NOT NULL,
    venue TEXT,
    slot_starts_at INTEGER,
    slot_ends_at INTEGER,
    opens_at INTEGER,
    closes_at INTEGER,
    active BOOLEAN NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX store_items_community ON store_items(community_id, active);

-- status: issued → used | cancelled (refunded by a reversing entry).
CREATE TABLE store_redemptions (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER NOT NULL REFERENCES areas(id),
    item_id INTEGER NOT NULL REFERENCES store_items(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    price INTEGER NOT NULL,
    currency TEXT NOT NULL,
    voucher TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    entry_id INTEGER NOT NULL REFERENCES points_entries(id),
    refund_entry_id INTEGER REFERENCES points_entries(id),
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    closed_by INTEGER REFERENCES users(id),
    closed_at INTEGER
);
CREATE INDEX store_redemptions_person ON store_redemptions(person_id, item_id, status);
CREATE INDEX store_redemptions_item ON store_redemptions(item_id);

-- P5: `claimed` counts the claims holding a place; compare-and-set keeps it ≤ capacity.
CREATE TABLE volunteer_tasks (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    community_id INTEGER NOT NULL REFERENCES areas(id),
    grid_id INTEGER REFERENCES areas(id),
    micro_grid_id INTEGER REFERENCES areas(id),
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    place TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    claimed INTEGER NOT NULL CHECK (claimed >= 0 AND claimed <= capacity),
    points INTEGER NOT NULL,
    category TEXT NOT NULL,
    skills TEXT NOT NULL,
    status TEXT NOT NULL,
    case_id INTEGER,
    organiser_id INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX volunteer_tasks_community ON volunteer_tasks(community_id, status, starts_at);

CREATE TABLE volunteer_claims (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    task_id INTEGER NOT NULL REFERENCES volunteer_tasks(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    status TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    withdrawn_at INTEGER,
    checked_in_at INTEGER,
    checked_out_at INTEGER,
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at INTEGER,
    minutes INTEGER,
    evaluated_by INTEGER REFERENCES users(id),
    evaluated_at INTEGER,
    rating INTEGER,
    award_id INTEGER REFERENCES points_awards(id),
    UNIQUE (task_id, person_id)
);
CREATE INDEX volunteer_claims_person ON volunteer_claims(person_id);
