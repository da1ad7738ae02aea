-- A counter that every change to the certificates' status (and every new
-- certificate) moves, in the changing transaction: service processes poll it
-- (src/registry/status-epoch.ts) and drop their cached OCSP responses and CRL
-- when it moves, so a revocation made through one process shows in the
-- publication of the others within the poll interval, not at nextUpdate.
CREATE TABLE status_epoch (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  n  bigint  NOT NULL
);
INSERT INTO status_epoch (id, n) VALUES (true, 0);

CREATE FUNCTION bump_status_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE status_epoch SET n = n + 1 WHERE id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER certificates_status_epoch
  AFTER INSERT OR UPDATE OF status ON certificates
  FOR EACH STATEMENT EXECUTE FUNCTION bump_status_epoch();
