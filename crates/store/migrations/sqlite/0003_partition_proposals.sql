-- G1–G2 (issue 5): proposed micro-grid divisions of a grid or community, kept until a street
-- administrator accepts or discards them, and the retirement of micro-grids a division replaced.

-- A retired micro-grid keeps its row — its code is never given again, and posts, cases and
-- visits of the past still point at it — but it is no longer part of the territory: it holds no
-- building and the tree, the map, point lookup and the coverage check leave it out.
ALTER TABLE areas ADD COLUMN retired_on TEXT;

-- status: open → accepted | discarded. `fingerprint` is a hash of the territory the proposal
-- was computed on (buildings, households, micro-grids, boundaries); accepting refuses a
-- proposal whose territory has changed since. `data` holds the units, parts and both quality
-- reports; `outcome` what accepting did.
CREATE TABLE partition_proposals (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    area_id INTEGER NOT NULL REFERENCES areas(id),
    status TEXT NOT NULL,
    params TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    data TEXT NOT NULL,
    outcome TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at INTEGER
);
CREATE INDEX partition_proposals_area ON partition_proposals(street_id, area_id, status);
