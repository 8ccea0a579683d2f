"""placements credited to a sprint, by sprint and start date (secured placements by event day)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CREDITED = sa.text('sprint_id IS NOT NULL')


def upgrade() -> None:
    # A sprint placement without a card counts as secured on its start date (goals.secured_placements):
    # the few credited to a sprint, read from the index; the plain sprint_id index is mostly NULLs,
    # which SQLite's statistics take for a poor index, so it scanned every placement by start date.
    op.create_index('ix_placement_sprint_start', 'placement', ['sprint_id', 'start_date', 'citizen_id'],
                    unique=False, sqlite_where=CREDITED, postgresql_where=CREDITED)
    op.execute('ANALYZE placement')


def downgrade() -> None:
    op.drop_index('ix_placement_sprint_start', table_name='placement')
