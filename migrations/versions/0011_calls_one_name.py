"""simulated calls: one name, "call", for the tables, columns and constraints that said
"scenario" (scenario → call, scenario_version → call_version, scenario_run → call_run,
run_turn → call_turn; scenario_id → call_id), and the versions' content key with its hash

Every row stays: tables and columns are renamed (SQLite's batch mode copies a table to
rename in it); each constraint and index takes the name the naming convention gives it.

Revision ID: 6d2f1b8e3c11
Revises: 5c1e0a7d2b10
Create Date: 2026-12-01 11:30:00

"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa


revision = '6d2f1b8e3c11'
down_revision = '5c1e0a7d2b10'
branch_labels = None
depends_on = None

IN_PROGRESS = sa.text("status = 'in_progress'")


def _content_hash(content):
    """As trainingapp.content.sync.content_hash computes it (copied: a migration must not
    change when the app does)."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _rekey_contents(table, old, new):
    """A version's content is {<old>: the script, "rubric": …}: rename the key, rehash."""
    versions = sa.table(table, sa.column('id', sa.Integer), sa.column('content', sa.JSON),
                        sa.column('content_hash', sa.String))
    bind = op.get_bind()
    for row in bind.execute(sa.select(versions.c.id, versions.c.content)).all():
        content = {(new if key == old else key): value for key, value in row.content.items()}
        bind.execute(versions.update().where(versions.c.id == row.id)
                     .values(content=content, content_hash=_content_hash(content)))


def _rename_table(old, new):
    """The table, and on PostgreSQL the sequence its ids come from."""
    op.rename_table(old, new)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq')


def _rename_in(table, *, pk, column=None, uniques=(), foreign_keys=()):
    """In an already renamed ``table``: a column, the primary key, unique constraints and
    foreign keys, each given as (old, new); constraints with their columns as named after.
    SQLite copies the table (batch mode); PostgreSQL renames in place, except the constraints,
    dropped and made again under their new names."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    with op.batch_alter_table(table, recreate='always' if sqlite else 'auto') as batch_op:
        for (old, _new), *_ in foreign_keys:
            batch_op.drop_constraint(old, type_='foreignkey')
        for (old, _new), _columns in uniques:
            batch_op.drop_constraint(old, type_='unique')
        if column:
            batch_op.alter_column(column[0], new_column_name=column[1],
                                  existing_type=sa.Integer(), existing_nullable=False)
        if sqlite:
            batch_op.drop_constraint(pk[0], type_='primary')
            batch_op.create_primary_key(pk[1], ['id'])
    # a second pass: batch mode loses a new constraint on a column renamed in the same pass
    with op.batch_alter_table(table, schema=None) as batch_op:
        for (_old, new), columns in uniques:
            batch_op.create_unique_constraint(new, columns)
        for (_old, new), local, referred in foreign_keys:
            batch_op.create_foreign_key(new, referred, [local], ['id'])
    if not sqlite:
        op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT {pk[0]} TO {pk[1]}')


def upgrade():
    with op.batch_alter_table('scenario_run', schema=None) as batch_op:
        batch_op.drop_index('uq_scenario_run_in_progress', sqlite_where=IN_PROGRESS,
                            postgresql_where=IN_PROGRESS)
        batch_op.drop_index('ix_scenario_run_scenario_id')
    _rename_table('scenario', 'call')
    _rename_table('scenario_version', 'call_version')
    _rename_table('scenario_run', 'call_run')
    _rename_table('run_turn', 'call_turn')

    _rename_in('call', pk=('pk_scenario', 'pk_call'),
               uniques=[(('uq_scenario_slug', 'uq_call_slug'), ['slug'])])
    _rename_in('call_version', pk=('pk_scenario_version', 'pk_call_version'),
               column=('scenario_id', 'call_id'),
               uniques=[(('uq_scenario_version_scenario_id_version',
                          'uq_call_version_call_id_version'), ['call_id', 'version'])],
               foreign_keys=[(('fk_scenario_version_scenario_id_scenario',
                               'fk_call_version_call_id_call'), 'call_id', 'call')])
    _rename_in('call_run', pk=('pk_scenario_run', 'pk_call_run'),
               column=('scenario_id', 'call_id'),
               uniques=[(('uq_scenario_run_user_id_scenario_id_number',
                          'uq_call_run_user_id_call_id_number'), ['user_id', 'call_id', 'number'])],
               foreign_keys=[
                   (('fk_scenario_run_scenario_id_scenario', 'fk_call_run_call_id_call'),
                    'call_id', 'call'),
                   (('fk_scenario_run_user_id_user_account', 'fk_call_run_user_id_user_account'),
                    'user_id', 'user_account'),
                   (('fk_scenario_run_version_id_scenario_version',
                     'fk_call_run_version_id_call_version'), 'version_id', 'call_version'),
               ])
    _rename_in('call_turn', pk=('pk_run_turn', 'pk_call_turn'),
               uniques=[(('uq_run_turn_run_id_seq', 'uq_call_turn_run_id_seq'), ['run_id', 'seq'])],
               foreign_keys=[(('fk_run_turn_run_id_scenario_run', 'fk_call_turn_run_id_call_run'),
                              'run_id', 'call_run')])

    with op.batch_alter_table('call_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_run_call_id'), ['call_id'], unique=False)
        batch_op.create_index('uq_call_run_in_progress', ['user_id', 'call_id'], unique=True,
                              sqlite_where=IN_PROGRESS, postgresql_where=IN_PROGRESS)
    _rekey_contents('call_version', 'scenario', 'call')


def downgrade():
    _rekey_contents('call_version', 'call', 'scenario')
    with op.batch_alter_table('call_run', schema=None) as batch_op:
        batch_op.drop_index('uq_call_run_in_progress', sqlite_where=IN_PROGRESS,
                            postgresql_where=IN_PROGRESS)
        batch_op.drop_index(batch_op.f('ix_call_run_call_id'))
    _rename_table('call', 'scenario')
    _rename_table('call_version', 'scenario_version')
    _rename_table('call_run', 'scenario_run')
    _rename_table('call_turn', 'run_turn')

    _rename_in('scenario', pk=('pk_call', 'pk_scenario'),
               uniques=[(('uq_call_slug', 'uq_scenario_slug'), ['slug'])])
    _rename_in('scenario_version', pk=('pk_call_version', 'pk_scenario_version'),
               column=('call_id', 'scenario_id'),
               uniques=[(('uq_call_version_call_id_version',
                          'uq_scenario_version_scenario_id_version'), ['scenario_id', 'version'])],
               foreign_keys=[(('fk_call_version_call_id_call',
                               'fk_scenario_version_scenario_id_scenario'), 'scenario_id',
                              'scenario')])
    _rename_in('scenario_run', pk=('pk_call_run', 'pk_scenario_run'),
               column=('call_id', 'scenario_id'),
               uniques=[(('uq_call_run_user_id_call_id_number',
                          'uq_scenario_run_user_id_scenario_id_number'),
                         ['user_id', 'scenario_id', 'number'])],
               foreign_keys=[
                   (('fk_call_run_call_id_call', 'fk_scenario_run_scenario_id_scenario'),
                    'scenario_id', 'scenario'),
                   (('fk_call_run_user_id_user_account', 'fk_scenario_run_user_id_user_account'),
                    'user_id', 'user_account'),
                   (('fk_call_run_version_id_call_version',
                     'fk_scenario_run_version_id_scenario_version'), 'version_id',
                    'scenario_version'),
               ])
    _rename_in('run_turn', pk=('pk_call_turn', 'pk_run_turn'),
               uniques=[(('uq_call_turn_run_id_seq', 'uq_run_turn_run_id_seq'), ['run_id', 'seq'])],
               foreign_keys=[(('fk_call_turn_run_id_call_run', 'fk_run_turn_run_id_scenario_run'),
                              'run_id', 'scenario_run')])

    with op.batch_alter_table('scenario_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_run_scenario_id'), ['scenario_id'],
                              unique=False)
        batch_op.create_index('uq_scenario_run_in_progress', ['user_id', 'scenario_id'],
                              unique=True, sqlite_where=IN_PROGRESS, postgresql_where=IN_PROGRESS)
