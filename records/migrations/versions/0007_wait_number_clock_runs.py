"""reviews.wait_number (the open wait's key comes from the record) and clock_runs (the business date)

Revision ID: 0007
Revises: 0006
Create Date: orchestration that keeps the promise (issue 9)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("wait_number", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "clock_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_events", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_clock_runs"),
    )
    op.create_index("ix_clock_runs_business_date", "clock_runs", ["business_date"])


def downgrade() -> None:
    op.drop_index("ix_clock_runs_business_date", table_name="clock_runs")
    op.drop_table("clock_runs")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("wait_number")
