-- PostgreSQL privileges for the app (example): run with psql as the owner after every
-- `flask db upgrade`; each statement can be repeated.
--
-- Two roles: trainingapp_owner owns the database and its tables, and runs the migrations
-- (`flask db upgrade`) and `flask backup restore`; trainingapp, the role the app connects
-- as (TRAININGAPP_DATABASE_URL of the instances), reads and writes every table but may only
-- add rows to the audit log. Not owning the tables, it cannot disable the audit log's
-- triggers (migration 0014) either. Created once, by a superuser:
--   CREATE ROLE trainingapp_owner LOGIN PASSWORD '…';
--   CREATE ROLE trainingapp LOGIN PASSWORD '…';
--   CREATE DATABASE trainingapp OWNER trainingapp_owner;
--   \connect trainingapp
--   ALTER SCHEMA public OWNER TO trainingapp_owner;
--   REVOKE CREATE ON SCHEMA public FROM PUBLIC;

GRANT USAGE ON SCHEMA public TO trainingapp;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO trainingapp;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO trainingapp;
-- The audit log is append-only: no UPDATE, DELETE or TRUNCATE (the grant above gave them).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM trainingapp;
