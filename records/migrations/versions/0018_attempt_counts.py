"""attempt counts shared by every front-door worker (sign-in throttle, anonymous feedback)

Revision ID: 0018
Revises: 0017
Create Date: safe sign-in and exports (issue 24)

Additive only: a new table ``attempt_counts`` keyed by a SHA-256 digest (never an email or an address).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attempt_counts",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_attempt_counts"),
    )


def downgrade() -> None:
    op.drop_table("attempt_counts")
