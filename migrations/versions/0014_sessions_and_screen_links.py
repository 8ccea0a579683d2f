"""server-side sessions behind an HttpOnly cookie, and paired meeting screens

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'screen_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('sprint_id', sa.Integer(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id']),
        sa.ForeignKeyConstraint(['team_id'], ['team.id']),
        sa.ForeignKeyConstraint(['sprint_id'], ['sprint.id']),
        sa.ForeignKeyConstraint(['created_by'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index(op.f('ix_screen_link_user_id'), 'screen_link', ['user_id'], unique=False)
    op.create_index(op.f('ix_screen_link_team_id'), 'screen_link', ['team_id'], unique=False)
    op.create_index(op.f('ix_screen_link_sprint_id'), 'screen_link', ['sprint_id'], unique=False)
    op.create_index(op.f('ix_screen_link_created_by'), 'screen_link', ['created_by'],
                    unique=False)
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('screen_link_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('revoked_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id']),
        sa.ForeignKeyConstraint(['screen_link_id'], ['screen_link.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index(op.f('ix_user_session_user_id'), 'user_session', ['user_id'], unique=False)
    op.create_index(op.f('ix_user_session_screen_link_id'), 'user_session', ['screen_link_id'],
                    unique=False)
    op.create_index(op.f('ix_user_session_revoked_at'), 'user_session', ['revoked_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_user_session_revoked_at'), table_name='user_session')
    op.drop_index(op.f('ix_user_session_screen_link_id'), table_name='user_session')
    op.drop_index(op.f('ix_user_session_user_id'), table_name='user_session')
    op.drop_table('user_session')
    op.drop_index(op.f('ix_screen_link_created_by'), table_name='screen_link')
    op.drop_index(op.f('ix_screen_link_sprint_id'), table_name='screen_link')
    op.drop_index(op.f('ix_screen_link_team_id'), table_name='screen_link')
    op.drop_index(op.f('ix_screen_link_user_id'), table_name='screen_link')
    op.drop_table('screen_link')
