"""audit_log.idempotency_key: an action recorded once however often it is replayed

Revision ID: 0002
Revises: 0001
Create Date: review flow (issue 4)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain column and a unique index: no table rebuild, so the append-only triggers stay in place.
    op.add_column("audit_log", sa.Column("idempotency_key", sa.String(length=200), nullable=True))
    op.create_index("uq_audit_log_idempotency_key", "audit_log", ["idempotency_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_audit_log_idempotency_key", table_name="audit_log")
    # Plain ALTER TABLE (SQLite 3.35+ and PostgreSQL): a batch rebuild would drop the append-only triggers.
    op.execute("ALTER TABLE audit_log DROP COLUMN idempotency_key")
