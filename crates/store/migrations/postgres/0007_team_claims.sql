-- P5 × T6: a team's leader claims places for the team's members; each member's claim records
-- the team it was taken for (NULL for a personal claim).
ALTER TABLE volunteer_claims ADD COLUMN team_id BIGINT REFERENCES teams(id);
CREATE INDEX volunteer_claims_team ON volunteer_claims(team_id);
