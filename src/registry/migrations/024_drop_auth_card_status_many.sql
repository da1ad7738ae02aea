-- The status lookup of card + PIN authentication is a named (prepared)
-- statement of the registry adapter now (src/auth/adapters/registry-status.ts):
-- PostgreSQL keeps its plan per connection without the PL/pgSQL wrapper of
-- migration 022, whose call and RETURN QUERY materialisation cost more
-- database CPU per statement than the plan they cached (bench:auth).
DROP FUNCTION auth_card_status_many(text[]);
