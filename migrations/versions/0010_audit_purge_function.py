"""on PostgreSQL the audit log's one way to shorten it: a function owned by the owner role

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The app's database role may not DELETE from audit_log (setup-postgres-roles); the retention run
# calls this function, which runs with its owner's rights and opens the triggers for itself only.
PURGE_FUNCTION = """
CREATE FUNCTION audit_log_purge_before(cutoff timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    flag integer;
    deleted integer;
BEGIN
    INSERT INTO audit_log_purge DEFAULT VALUES RETURNING id INTO flag;
    DELETE FROM audit_log WHERE at < cutoff;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    DELETE FROM audit_log_purge WHERE id = flag;
    RETURN deleted;
END
$$;
REVOKE ALL ON FUNCTION audit_log_purge_before(timestamptz) FROM PUBLIC;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PURGE_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION audit_log_purge_before(timestamptz)")
