"""the citizens each logged search, list, download and sheet showed (ids, append-only)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# As the log itself (0005): no UPDATE, and DELETE only while audit.purge_older_than (or on
# PostgreSQL the owner's audit_log_purge_before, whose delete cascades here) holds its flag row.
POSTGRES_GUARD = """
CREATE TRIGGER audit_subject_append_only BEFORE UPDATE OR DELETE ON audit_subject
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_subject_no_truncate BEFORE TRUNCATE ON audit_subject
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
"""
SQLITE_GUARD = (
    """CREATE TRIGGER audit_subject_no_update BEFORE UPDATE ON audit_subject
    BEGIN SELECT RAISE(ABORT, 'audit_subject is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_subject_no_delete BEFORE DELETE ON audit_subject
    WHEN NOT EXISTS (SELECT 1 FROM audit_log_purge)
    BEGIN SELECT RAISE(ABORT, 'audit_subject is append-only: DELETE refused'); END""",
)


def upgrade() -> None:
    op.create_table('audit_subject',
                    sa.Column('audit_id', sa.Integer(), nullable=False),
                    sa.Column('citizen_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['audit_id'], ['audit_log.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('audit_id', 'citizen_id'))
    op.create_index(op.f('ix_audit_subject_citizen_id'), 'audit_subject', ['citizen_id'],
                    unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRES_GUARD)
    else:
        for statement in SQLITE_GUARD:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_subject_no_truncate ON audit_subject")
        op.execute("DROP TRIGGER audit_subject_append_only ON audit_subject")
    op.drop_index(op.f('ix_audit_subject_citizen_id'), table_name='audit_subject')
    op.drop_table('audit_subject')
