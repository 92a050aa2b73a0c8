"""SEN2 (issue 12): the council's person and request identifiers, and the previous review's outcome and dates

Revision ID: 0010
Revises: 0009
Create Date: SEN2 as DfE collects it (issue 12)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_PREVIOUS_REVIEW: dict[str, sa.types.TypeEngine[Any]] = {
    "previous_outcome": sa.String(12),
    "previous_amendment_notice_sent_on": sa.Date(),
    "previous_final_plan_issued_on": sa.Date(),
    "previous_transfer_due_on": sa.Date(),
}


def upgrade() -> None:
    with op.batch_alter_table("children") as batch:
        batch.add_column(sa.Column("la_person_id", sa.String(50), nullable=True))
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("la_request_id", sa.String(50), nullable=True))
    with op.batch_alter_table("reviews") as batch:
        for name, kind in _PREVIOUS_REVIEW.items():
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        for name in reversed(list(_PREVIOUS_REVIEW)):
            batch.drop_column(name)
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("la_request_id")
    with op.batch_alter_table("children") as batch:
        batch.drop_column("la_person_id")
