"""data generation stamp for caches invalidated by changes; indexes of paid and of one kind's placements (issue 6)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""
import secrets
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    table = op.create_table(
        'data_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stamp', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(table, [{'id': 1, 'stamp': secrets.randbits(62)}])
    paid = sa.text('payer_id IS NOT NULL')
    op.create_index('ix_placement_paid', 'placement', ['payer_id', 'start_date', 'citizen_id'],
                    unique=False, sqlite_where=paid, postgresql_where=paid)
    op.create_index('ix_placement_kind_start', 'placement', ['kind', 'start_date'], unique=False)
    op.execute('ANALYZE placement')


def downgrade() -> None:
    op.drop_index('ix_placement_kind_start', table_name='placement')
    op.drop_index('ix_placement_paid', table_name='placement')
    op.drop_table('data_generation')
