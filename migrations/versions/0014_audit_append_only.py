"""the audit log is append-only in the database itself: triggers refuse every UPDATE and
DELETE of an audit_event row (and, on PostgreSQL, a TRUNCATE), whoever sends it; inserting
goes on as before. On PostgreSQL the app's role should also lack those privileges (README,
"Production").

SQLite keeps triggers with their table: a later migration that rebuilds audit_event in batch
mode (copy, drop, rename) must create them again.

Revision ID: 0014_audit_append_only
Revises: 0013_team_names_both_languages
Create Date: 2026-12-01 15:30:00

"""
from alembic import op

revision = '0014_audit_append_only'
down_revision = '0013_team_names_both_languages'
branch_labels = None
depends_on = None

REFUSAL = 'audit_event is append-only'

SQLITE = [
    f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE refused'); END""",
    f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE refused'); END""",
]

POSTGRESQL = [
    f"""CREATE FUNCTION audit_event_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$""",
    """CREATE TRIGGER audit_event_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()""",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in SQLITE if dialect == 'sqlite' else POSTGRESQL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('DROP TRIGGER audit_event_no_delete')
        op.execute('DROP TRIGGER audit_event_no_update')
    else:
        op.execute('DROP TRIGGER audit_event_no_truncate ON audit_event')
        op.execute('DROP TRIGGER audit_event_no_update_or_delete ON audit_event')
        op.execute('DROP FUNCTION audit_event_refuse_change()')
