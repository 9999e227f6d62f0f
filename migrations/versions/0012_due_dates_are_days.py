"""due dates are days: assignment.due_at → due_on, due_date_extension.previous_due_at /
new_due_at → previous_due_on / new_due_on (DATE, a day in the organisation's time zone)

A due date was stored as an instant. The assign and extension forms wrote the end of the
typed day in UTC (23:59:59), so "due 2026-12-15" became 2026-12-16 07:59:59 in Shanghai;
onboarding wrote the hire date at 09:00 UTC, or the moment of a position change, plus N
days. Each row becomes the day it meant: an end-of-day stamp (23:59:59 UTC) its UTC date,
the day that was typed; any other instant its date in the organisation's time zone
(``TRAININGAPP_TIMEZONE``, as the app read it), the day the pages showed.
Downgrade writes each day back as the old code did: 23:59:59 UTC on that day.

Revision ID: 0012_due_dates_are_days
Revises: 6d2f1b8e3c11
Create Date: 2026-12-01 14:00:00

"""
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0012_due_dates_are_days'
down_revision = '6d2f1b8e3c11'
branch_labels = None
depends_on = None

END_OF_DAY = time(23, 59, 59)  # what the old forms wrote (services.assignments.due_at_end_of)
DEFAULT_ZONE = 'Asia/Shanghai'

# (table, [(old column, new column)], index of the old column or None)
COLUMNS = [
    ('assignment', [('due_at', 'due_on')], 'ix_assignment_due_at'),
    ('due_date_extension', [('previous_due_at', 'previous_due_on'),
                            ('new_due_at', 'new_due_on')], None),
]


def _zone():
    """The organisation's time zone, from the app running the migration (Flask-Migrate
    runs it in an app context)."""
    try:
        from flask import current_app
        return ZoneInfo(current_app.config.get('BABEL_DEFAULT_TIMEZONE') or DEFAULT_ZONE)
    except RuntimeError:  # no app: plain alembic
        return ZoneInfo(DEFAULT_ZONE)


def day_meant(stamp, zone):
    """The due day an old due instant meant (a naive stamp is UTC: SQLite keeps no zone)."""
    stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    if stamp.timetz().replace(tzinfo=None) == END_OF_DAY:
        return stamp.date()
    return stamp.astimezone(zone).date()


def end_of(day):
    return datetime.combine(day, END_OF_DAY, tzinfo=UTC)


def _convert(table, pairs, old_type, new_type, convert):
    """Fill each new column from its old one, in one executemany per table."""
    columns = [sa.column('id', sa.Integer)]
    columns += [sa.column(old, old_type) for old, _new in pairs]
    columns += [sa.column(new, new_type) for _old, new in pairs]
    rows = sa.table(table, *columns)
    bind = op.get_bind()
    found = bind.execute(sa.select(rows.c.id, *(rows.c[old] for old, _new in pairs))).all()
    if not found:
        return
    update = rows.update().where(rows.c.id == sa.bindparam('row_id')).values(
        {new: sa.bindparam(f'v_{new}') for _old, new in pairs})
    bind.execute(update, [
        {'row_id': row[0], **{f'v_{new}': convert(value)
                              for (_old, new), value in zip(pairs, row[1:], strict=True)}}
        for row in found])


def upgrade():
    zone = _zone()
    for table, pairs, _index in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _old, new in pairs:
                batch_op.add_column(sa.Column(new, sa.Date(), nullable=True))
        _convert(table, pairs, sa.DateTime(timezone=True), sa.Date(),
                 lambda stamp: day_meant(stamp, zone))
    for table, pairs, index in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if index:
                batch_op.drop_index(index)
            for old, new in pairs:
                batch_op.alter_column(new, existing_type=sa.Date(), nullable=False)
                batch_op.drop_column(old)
        if index:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.create_index(batch_op.f('ix_assignment_due_on'), ['due_on'], unique=False)


def downgrade():
    for table, pairs, _index in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for old, _new in pairs:
                batch_op.add_column(sa.Column(old, sa.DateTime(timezone=True), nullable=True))
        _convert(table, [(new, old) for old, new in pairs], sa.Date(),
                 sa.DateTime(timezone=True), end_of)
    for table, pairs, index in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if index:
                batch_op.drop_index('ix_assignment_due_on')
            for old, new in pairs:
                batch_op.alter_column(old, existing_type=sa.DateTime(timezone=True),
                                      nullable=False)
                batch_op.drop_column(new)
        if index:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.create_index(index, ['due_at'], unique=False)
