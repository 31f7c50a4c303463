-- Up Migration
-- A deleted sportsbook session must take its credentials with it: the deletion audit keeps the row's metadata (who,
-- which sportsbook, which consent, which key) but not the ciphertext, nonce and tag, which would let anyone holding
-- the data key decrypt a session the user deleted.
CREATE FUNCTION audit_session_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  data jsonb := to_jsonb(OLD) - 'ciphertext' - 'nonce' - 'auth_tag';
BEGIN
  INSERT INTO deletion_audit (table_name, row_id, row_data) VALUES (TG_TABLE_NAME, data ->> 'id', data);
  RETURN OLD;
END;
$$;

DROP TRIGGER sportsbook_sessions_deletion_audit ON sportsbook_sessions;
CREATE TRIGGER sportsbook_sessions_deletion_audit AFTER DELETE ON sportsbook_sessions
  FOR EACH ROW EXECUTE FUNCTION audit_session_deletion();

ALTER TABLE sportsbook_sessions ALTER COLUMN auth_tag SET NOT NULL;
