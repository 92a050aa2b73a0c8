"""stage 1 through the product: who is invited to a meeting, and single-use links for people without accounts

Revision ID: 0019
Revises: 0018
Create Date: stage 1 and 2 through the product (issue 21)

Additive only: two new tables. ``review_invitees`` holds who is invited (names and work emails: personal data,
records only); ``review_links`` holds each link's SHA-256 token digest, never the token. Downgrading drops both.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_invitees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("role", sa.String(60), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("family_contact_id", sa.Integer(), nullable=True),
        sa.Column("advice_requested", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("invited_on", sa.Date(), nullable=True),
        sa.Column("removed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name="fk_review_invitees_review_id_reviews",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["family_contact_id"], ["family_contacts.id"],
                                name="fk_review_invitees_family_contact_id_family_contacts", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_review_invitees"),
    )
    op.create_index("ix_review_invitees_review_id", "review_invitees", ["review_id"])
    op.create_table(
        "review_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(24), nullable=False),
        sa.Column("invitee_id", sa.Integer(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name="fk_review_links_review_id_reviews",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invitee_id"], ["review_invitees.id"],
                                name="fk_review_links_invitee_id_review_invitees", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_review_links"),
        sa.UniqueConstraint("token_digest", name="uq_review_links_token_digest"),
    )
    op.create_index("ix_review_links_review_id", "review_links", ["review_id"])
    op.create_index("ix_review_links_invitee_id", "review_links", ["invitee_id"])


def downgrade() -> None:
    op.drop_index("ix_review_links_invitee_id", table_name="review_links")
    op.drop_index("ix_review_links_review_id", table_name="review_links")
    op.drop_table("review_links")
    op.drop_index("ix_review_invitees_review_id", table_name="review_invitees")
    op.drop_table("review_invitees")
