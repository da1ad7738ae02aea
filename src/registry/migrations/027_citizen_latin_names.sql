-- A citizen's name in Latin letters beside the name in the national script
-- (Khmer): the certificate's CN carries it for devices that cannot show
-- Khmer, the card and every staff page show both. Upper-case A-Z with the
-- separators names contain; NULL for citizens enrolled before, or without one.
ALTER TABLE citizens
  ADD COLUMN surname_latin    text CONSTRAINT citizens_surname_latin_format CHECK (surname_latin ~ '^[A-Z][A-Z'' -]{0,63}$'),
  ADD COLUMN given_name_latin text CONSTRAINT citizens_given_name_latin_format CHECK (given_name_latin ~ '^[A-Z][A-Z'' -]{0,63}$'),
  ADD CONSTRAINT citizens_latin_names_together CHECK ((surname_latin IS NULL) = (given_name_latin IS NULL));
CREATE INDEX citizens_surname_latin_idx ON citizens (lower(surname_latin) text_pattern_ops);
