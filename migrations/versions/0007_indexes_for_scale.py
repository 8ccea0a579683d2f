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
    op.create_index('ix_follow_up_open', 'follow_up', ['placement_id', 'due_date'], unique=False,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    # The running placements; its size also tells SQLite's planner how selective "running" is.
    op.create_index('ix_placement_open', 'placement', ['consultant_id', 'id'], unique=False,
                    sqlite_where=RUNNING, postgresql_where=RUNNING)


def downgrade() -> None:
    op.drop_index('ix_placement_open', table_name='placement')
    op.drop_index('ix_follow_up_open', table_name='follow_up')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_done_at', ['done_at'], unique=False)
