"""analysis: quiz attempts indexed by (module_id, status, score, passed, id), replacing the
index on module_id alone, so that counting and ranking a module's attempts by score reads
the index only, never the attempts' rows (the id for PostgreSQL's index-only scans); HR's
overview reads each module's pass rate from it too

Revision ID: 0017_analysis_counts
Revises: 0016_pass_rate_indexes
Create Date: 2026-12-01 17:10:00

"""
from alembic import op

revision = '0017_analysis_counts'
down_revision = '0016_pass_rate_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_quiz_attempt_module_outcome', 'quiz_attempt',
                    ['module_id', 'status', 'score', 'passed', 'id'], unique=False)
    op.drop_index('ix_quiz_attempt_module_id', table_name='quiz_attempt')


def downgrade():
    op.create_index('ix_quiz_attempt_module_id', 'quiz_attempt', ['module_id'], unique=False)
    op.drop_index('ix_quiz_attempt_module_outcome', table_name='quiz_attempt')
