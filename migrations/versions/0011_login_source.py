"""wrong passwords per sending address: slow down, then block the address before an account locks

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'login_source',
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.Column('last_failed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('retry_after', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('blocked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('address'),
    )
    op.create_index(op.f('ix_login_source_blocked_until'), 'login_source', ['blocked_until'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_login_source_blocked_until'), table_name='login_source')
    op.drop_table('login_source')
