"""evaluations: supervisors' periodic evaluations and customer satisfaction

Revision ID: 398cec0f41cc
Revises: 0ad343dce1c4
Create Date: 2026-11-22 02:04:44.260433

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '398cec0f41cc'
down_revision = '0ad343dce1c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('colleague', sa.Integer(), nullable=True),
    sa.Column('performance', sa.Integer(), nullable=True),
    sa.Column('satisfaction', sa.Double(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_evaluation_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_evaluation_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation')),
    sa.UniqueConstraint('user_id', 'source', 'period', name=op.f('uq_evaluation_user_id_source_period'))
    )


def downgrade():
    op.drop_table('evaluation')
