"""invitations sent by the product: when and where each review's meeting will be

Revision ID: 0023
Revises: 0021
Create Date: stage 1 through the product, invitations (issue 21, item 1)

Additive only: a new table ``review_meetings`` (one row per review: the date, start time, place or online link the
invitations give). Downgrading drops it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_meetings",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.String(5), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("online_link", sa.String(500), nullable=True),
        sa.Column("updated_by", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name="fk_review_meetings_review_id_reviews",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("review_id", name="pk_review_meetings"),
    )


def downgrade() -> None:
    op.drop_table("review_meetings")
