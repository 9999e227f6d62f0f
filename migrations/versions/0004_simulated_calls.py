"""simulated calls: rubrics, scenarios and versions, runs and turns, observations

Revision ID: 07694be85d88
Revises: 4fd20e2ab5ff
Create Date: 2026-11-22 00:58:24.277252

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '07694be85d88'
down_revision = '4fd20e2ab5ff'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rubric',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric')),
    sa.UniqueConstraint('slug', name=op.f('uq_rubric_slug'))
    )
    op.create_table('scenario',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario')),
    sa.UniqueConstraint('slug', name=op.f('uq_scenario_slug'))
    )
    op.create_table('scenario_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenario.id'], name=op.f('fk_scenario_version_scenario_id_scenario')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_version')),
    sa.UniqueConstraint('scenario_id', 'version', name=op.f('uq_scenario_version_scenario_id_version'))
    )
    op.create_table('observation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=False),
    sa.Column('rubric', sa.JSON(), nullable=False),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('critical_errors', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('pass_mark', sa.Double(), nullable=False),
    sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['observer_id'], ['user_account.id'], name=op.f('fk_observation_observer_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_observation_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation'))
    )
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observation_user_id'), ['user_id'], unique=False)

    op.create_table('scenario_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('in_progress', 'finished', name='run_status', native_enum=False, length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('node', sa.String(length=64), nullable=False),
    sa.Column('turn_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('visits', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('critical_errors', sa.JSON(), nullable=False),
    sa.Column('dimensions', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenario.id'], name=op.f('fk_scenario_run_scenario_id_scenario')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_scenario_run_user_id_user_account')),
    sa.ForeignKeyConstraint(['version_id'], ['scenario_version.id'], name=op.f('fk_scenario_run_version_id_scenario_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_run')),
    sa.UniqueConstraint('user_id', 'scenario_id', 'number', name=op.f('uq_scenario_run_user_id_scenario_id_number'))
    )
    with op.batch_alter_table('scenario_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_run_scenario_id'), ['scenario_id'], unique=False)
        batch_op.create_index('uq_scenario_run_in_progress', ['user_id', 'scenario_id'], unique=True, sqlite_where=sa.text("status = 'in_progress'"), postgresql_where=sa.text("status = 'in_progress'"))

    op.create_table('run_turn',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('node', sa.String(length=64), nullable=False),
    sa.Column('option', sa.String(length=16), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('matched', sa.JSON(), nullable=False),
    sa.Column('available', sa.JSON(), nullable=False),
    sa.Column('earned', sa.JSON(), nullable=False),
    sa.Column('critical', sa.String(length=64), nullable=True),
    sa.Column('next_node', sa.String(length=64), nullable=False),
    sa.Column('is_late', sa.Boolean(), nullable=False),
    sa.Column('seconds', sa.Double(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['scenario_run.id'], name=op.f('fk_run_turn_run_id_scenario_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_run_turn')),
    sa.UniqueConstraint('run_id', 'seq', name=op.f('uq_run_turn_run_id_seq'))
    )


def downgrade():
    op.drop_table('run_turn')
    with op.batch_alter_table('scenario_run', schema=None) as batch_op:
        batch_op.drop_index('uq_scenario_run_in_progress', sqlite_where=sa.text("status = 'in_progress'"), postgresql_where=sa.text("status = 'in_progress'"))
        batch_op.drop_index(batch_op.f('ix_scenario_run_scenario_id'))

    op.drop_table('scenario_run')
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observation_user_id'))

    op.drop_table('observation')
    op.drop_table('scenario_version')
    op.drop_table('scenario')
    op.drop_table('rubric')
