-- P6: a project's acceptance photos are files of the evidence store (C7), tied to the
-- acceptance the way a case's photos are tied to the case. The acceptance's `photos` column
-- keeps the ids it was recorded with.
ALTER TABLE attachments ADD COLUMN acceptance_id INTEGER REFERENCES council_project_acceptances(id);
CREATE INDEX attachments_acceptance ON attachments(acceptance_id) WHERE acceptance_id IS NOT NULL;
