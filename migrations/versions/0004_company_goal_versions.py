"""company and goal versions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Companies and goals are edited through the app: a save names the version it started from.
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_column('version')
