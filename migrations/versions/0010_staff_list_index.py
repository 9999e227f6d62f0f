"""staff lists: an index on (is_active, employee_no) for paging through active staff

Revision ID: 5c1e0a7d2b10
Revises: 398cec0f41cc
Create Date: 2026-11-22 03:10:00

"""
from alembic import op


revision = '5c1e0a7d2b10'
down_revision = '398cec0f41cc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index('ix_user_account_active_employee_no', ['is_active', 'employee_no'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index('ix_user_account_active_employee_no')
