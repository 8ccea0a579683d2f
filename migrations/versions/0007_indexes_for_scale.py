"""indexes for a large municipality (issue 6)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OPEN = sa.text('done_at IS NULL')
RUNNING = sa.text("status IN ('planned', 'active')")


def upgrade() -> None:
    # "done_at IS NULL" through a plain index on done_at looked like a two-row lookup to SQLite's
    # planner while it matched every open follow-up; a partial index of the open ones replaces it.
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_done_at')
    op.create_index('ix_follow_up_open', 'follow_up', ['placement_id', 'due_date', 'id'],
                    unique=False, sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index('ix_follow_up_open_due', 'follow_up', ['due_date'], unique=False,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    # The running placements; its size also tells SQLite's planner how selective "running" is.
    op.create_index('ix_placement_open', 'placement', ['consultant_id', 'id'], unique=False,
                    sqlite_where=RUNNING, postgresql_where=RUNNING)
    # Covering indexes: counts per company and per period read the index, not the rows.
    op.create_index('ix_contact_company_contacted', 'contact', ['company_id', 'contacted_at'],
                    unique=False)
    op.create_index('ix_contact_contacted_staff', 'contact', ['contacted_at', 'staff_id'],
                    unique=False)
    op.create_index('ix_placement_company_citizen', 'placement', ['company_id', 'citizen_id'],
                    unique=False)
    op.create_index('ix_placement_start_citizen', 'placement', ['start_date', 'citizen_id'],
                    unique=False)
    op.create_index('ix_outcome_months_measured', 'outcome',
                    ['months_after_start', 'measured_at', 'citizen_id', 'status'], unique=False)
    # Statistics for the new indexes at once: with those of the old indexes only, SQLite's
    # planner misjudged the partial ones (a database that was analysed before this migration).
    for table in ('follow_up', 'placement', 'contact', 'outcome'):
        op.execute(f'ANALYZE {table}')


def downgrade() -> None:
    op.drop_index('ix_outcome_months_measured', table_name='outcome')
    op.drop_index('ix_placement_start_citizen', table_name='placement')
    op.drop_index('ix_placement_company_citizen', table_name='placement')
    op.drop_index('ix_contact_contacted_staff', table_name='contact')
    op.drop_index('ix_contact_company_contacted', table_name='contact')
    op.drop_index('ix_placement_open', table_name='placement')
    op.drop_index('ix_follow_up_open_due', table_name='follow_up')
    op.drop_index('ix_follow_up_open', table_name='follow_up')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_done_at', ['done_at'], unique=False)
