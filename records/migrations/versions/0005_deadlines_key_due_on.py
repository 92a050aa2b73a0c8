"""deadlines(key, due_on): the clock's ended-waits query and the reports' period filters by deadline key

Revision ID: 0005
Revises: 0004
Create Date: statutory clock (issue 5) and reports (issue 6)
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deadlines_key_due_on", "deadlines", ["key", "due_on"])


def downgrade() -> None:
    op.drop_index("ix_deadlines_key_due_on", table_name="deadlines")
