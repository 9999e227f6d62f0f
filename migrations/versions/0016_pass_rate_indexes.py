"""pass-rate index: a call's runs indexed with their status and result, so that HR's
overview reads each call's pass rate from the index alone (562 k runs at 100,000 staff); it
replaces the plain call_id index it begins with (a module's attempts: 0017).

Revision ID: 0016_pass_rate_indexes
Revises: 0015_sessions
Create Date: 2026-12-01 17:20:00

"""
from alembic import op

revision = '0016_pass_rate_indexes'
down_revision = '0015_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('call_run', schema=None) as batch_op:
        batch_op.create_index('ix_call_run_call_id_status_passed',
                              ['call_id', 'status', 'passed'], unique=False)
        batch_op.drop_index('ix_call_run_call_id')


def downgrade():
    with op.batch_alter_table('call_run', schema=None) as batch_op:
        batch_op.create_index('ix_call_run_call_id', ['call_id'], unique=False)
        batch_op.drop_index('ix_call_run_call_id_status_passed')
