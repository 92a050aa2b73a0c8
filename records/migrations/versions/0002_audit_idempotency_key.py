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
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("idempotency_key")
