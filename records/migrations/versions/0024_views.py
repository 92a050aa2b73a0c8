"""the family's and the child's views through their links, kept in the records

Revision ID: 0024
Revises: 0023
Create Date: stage 1 through the product, views (issue 21, item 3)

Additive only: a new table ``review_views`` (one row per views form sent through a link; the answers are personal
data and live here and in the meeting record only). Downgrading drops it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("invitee_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(24), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("easy_read", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name="fk_review_views_review_id_reviews",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["link_id"], ["review_links.id"], name="fk_review_views_link_id_review_links",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invitee_id"], ["review_invitees.id"],
                                name="fk_review_views_invitee_id_review_invitees", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_review_views"),
        sa.UniqueConstraint("link_id", name="uq_review_views_link_id"),
    )
    op.create_index("ix_review_views_review_id", "review_views", ["review_id"])


def downgrade() -> None:
    op.drop_index("ix_review_views_review_id", table_name="review_views")
    op.drop_table("review_views")
