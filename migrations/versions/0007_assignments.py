"""assignments and due-date extensions

Revision ID: ae191d625250
Revises: 127f0e4efc98
Create Date: 2026-11-22 01:27:09.427621

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ae191d625250'
down_revision = '127f0e4efc98'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('module', 'scenario', 'track', name='assignment_kind', native_enum=False, length=20), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['user_account.id'], name=op.f('fk_assignment_assigned_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_assignment_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('user_id', 'kind', 'target', name=op.f('uq_assignment_user_id_kind_target'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_due_at'), ['due_at'], unique=False)

    op.create_table('due_date_extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('previous_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('new_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('extended_by_id', sa.Integer(), nullable=False),
    sa.Column('extended_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_due_date_extension_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['extended_by_id'], ['user_account.id'], name=op.f('fk_due_date_extension_extended_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_due_date_extension'))
    )
    with op.batch_alter_table('due_date_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_due_date_extension_assignment_id'), ['assignment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('due_date_extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_due_date_extension_assignment_id'))

    op.drop_table('due_date_extension')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_due_at'))

    op.drop_table('assignment')
