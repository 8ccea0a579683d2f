"""retention policy and ledger

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""
from datetime import UTC, datetime
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The defaults of model/retention.py CATEGORIES, in months (docs/privacy.md describes them).
DEFAULT_PERIODS = {'citizen': 24, 'company_contact': 36, 'audit_log': 6}


def upgrade() -> None:
    policy = op.create_table('retention_policy',
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('category')
    )
    with op.batch_alter_table('retention_policy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_policy_updated_by'), ['updated_by'],
                              unique=False)
    op.create_table('retention_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ran_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('cutoff', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('rows_deleted', sa.Integer(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('retention_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_run_ran_at'), ['ran_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_retention_run_reason'), ['reason'], unique=False)
    seeded = datetime.now(UTC)
    op.bulk_insert(policy, [{'category': category, 'months': months, 'updated_at': seeded,
                             'updated_by': None} for category, months in DEFAULT_PERIODS.items()])


def downgrade() -> None:
    with op.batch_alter_table('retention_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_run_reason'))
        batch_op.drop_index(batch_op.f('ix_retention_run_ran_at'))
    op.drop_table('retention_run')
    with op.batch_alter_table('retention_policy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_policy_updated_by'))
    op.drop_table('retention_policy')
