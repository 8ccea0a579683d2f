"""covering indexes for Resultater at scale (issue 6)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Follow-up punctuality per due month reads the index, not 240,000 scattered rows a year.
    op.create_index('ix_follow_up_due_done', 'follow_up', ['due_date', 'done_at', 'placement_id'],
                    unique=False)
    # Placements started in a period by kind, company and citizen (weeks, companies, first jobs).
    op.create_index('ix_placement_start_kind', 'placement',
                    ['start_date', 'kind', 'citizen_id', 'company_id'], unique=False)
    for table in ('follow_up', 'placement'):
        op.execute(f'ANALYZE {table}')


def downgrade() -> None:
    op.drop_index('ix_placement_start_kind', table_name='placement')
    op.drop_index('ix_follow_up_due_done', table_name='follow_up')
