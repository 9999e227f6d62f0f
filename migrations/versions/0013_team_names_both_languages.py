"""teams and positions: a team's Chinese name (name_zh, "" until given: pages then show the
English one), and is_active on teams and positions (deactivated ones are no longer offered
in forms and imports; the people who have them keep them)

Revision ID: 0013_team_names_both_languages
Revises: 0012_due_dates_are_days
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013_team_names_both_languages'
down_revision = '0012_due_dates_are_days'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_zh', sa.String(length=120), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('is_active', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_active', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.drop_column('is_active')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('is_active')
        batch_op.drop_column('name_zh')
