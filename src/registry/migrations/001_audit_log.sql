-- Audit log (DESIGN.md "State": append-only, each entry chained to the previous
-- by hash, written in the same transaction as the change it records).
-- The chain head is one row locked FOR UPDATE by every append, so concurrent
-- appends are serialised and seq / prev_hash never fork. The database itself
-- refuses UPDATE, DELETE and TRUNCATE of entries.
CREATE TABLE audit_log (
  seq        bigint      PRIMARY KEY CONSTRAINT audit_log_seq_positive CHECK (seq >= 1),
  at         timestamptz NOT NULL,
  actor      text        NOT NULL CONSTRAINT audit_log_actor_len CHECK (length(actor) BETWEEN 1 AND 200),
  action     text        NOT NULL CONSTRAINT audit_log_action_format CHECK (action ~ '^[a-z][a-z0-9_.-]{0,79}$'),
  subject    text        NOT NULL CONSTRAINT audit_log_subject_len CHECK (length(subject) BETWEEN 1 AND 200),
  -- canonical JSON text exactly as hashed (jsonb would re-order and re-format it)
  data       text        NOT NULL CONSTRAINT audit_log_data_json CHECK (data::jsonb IS NOT NULL),
  prev_hash  bytea       NOT NULL CONSTRAINT audit_log_prev_hash_len CHECK (length(prev_hash) = 32),
  hash       bytea       NOT NULL CONSTRAINT audit_log_hash_len CHECK (length(hash) = 32),
  CONSTRAINT audit_log_hash_key UNIQUE (hash)
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject, seq);

CREATE TABLE audit_head (
  id    boolean PRIMARY KEY DEFAULT true CONSTRAINT audit_head_single CHECK (id),
  seq   bigint  NOT NULL CONSTRAINT audit_head_seq CHECK (seq >= 0),
  hash  bytea   NOT NULL CONSTRAINT audit_head_hash_len CHECK (length(hash) = 32)
);
INSERT INTO audit_head (id, seq, hash) VALUES (true, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'AU001';
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- The head moves forward only, one entry at a time, and is never removed.
CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.seq <> OLD.seq + 1 THEN
    RAISE EXCEPTION 'audit_head moves forward one entry at a time' USING ERRCODE = 'AU002';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_head
  FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
