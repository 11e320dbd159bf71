-- Notifications (A5) find the accounts of the people who hold a post: by person.
CREATE INDEX users_person ON users(person_id) WHERE person_id IS NOT NULL;
