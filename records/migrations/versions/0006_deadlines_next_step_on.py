"""deadlines.next_step_on: the clock's work list, so a clock run reads only deadlines with a step due

Revision ID: 0006
Revises: 0005
Create Date: statutory clock benchmark (issue 5)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

LEAD_DAYS = 14  # the default ladder's earliest step: existing open deadlines start their ladder there


def upgrade() -> None:
    op.add_column("deadlines", sa.Column("next_step_on", sa.Date(), nullable=True))
    first_step = (
        f"due_on - {LEAD_DAYS}" if op.get_bind().dialect.name == "postgresql" else f"date(due_on, '-{LEAD_DAYS} days')"
    )
    op.execute(f"UPDATE deadlines SET next_step_on = {first_step} WHERE is_open")
    op.create_index(
        "ix_deadlines_open_next_step_on",
        "deadlines",
        ["next_step_on"],
        sqlite_where=sa.text("is_open"),
        postgresql_where=sa.text("is_open"),
    )


def downgrade() -> None:
    op.drop_index("ix_deadlines_open_next_step_on", table_name="deadlines")
    op.execute("ALTER TABLE deadlines DROP COLUMN next_step_on")
