"""advice requested and received through the product, and its circulation

Revision ID: 0021
Revises: 0019
Create Date: stage 1 through the product, advice (issue 21 item 2)

Additive only: three new tables. ``advice_replies`` holds each invitee's advice (typed text and/or one checked
file: personal data, records only); ``advice_messages`` ties an outbox row to the invitee it is for;
``advice_circulations`` records the day a review's advice was circulated. Downgrading drops the three.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "advice_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("invitee_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("advice_text", sa.Text(), nullable=True),
        sa.Column("file_name", sa.String(120), nullable=True),
        sa.Column("media_type", sa.String(100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name="fk_advice_replies_review_id_reviews",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invitee_id"], ["review_invitees.id"],
                                name="fk_advice_replies_invitee_id_review_invitees", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["link_id"], ["review_links.id"], name="fk_advice_replies_link_id_review_links",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_advice_replies"),
        sa.UniqueConstraint("invitee_id", name="uq_advice_replies_invitee_id"),
    )
    op.create_index("ix_advice_replies_review_id", "advice_replies", ["review_id"])
    op.create_table(
        "advice_messages",
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("invitee_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"],
                                name="fk_advice_messages_notification_id_notifications", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invitee_id"], ["review_invitees.id"],
                                name="fk_advice_messages_invitee_id_review_invitees", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("notification_id", name="pk_advice_messages"),
    )
    op.create_index("ix_advice_messages_invitee_id", "advice_messages", ["invitee_id"])
    op.create_table(
        "advice_circulations",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("circulated_on", sa.Date(), nullable=False),
        sa.Column("circulated_by", sa.String(40), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name="fk_advice_circulations_review_id_reviews",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("review_id", name="pk_advice_circulations"),
    )


def downgrade() -> None:
    op.drop_table("advice_circulations")
    op.drop_index("ix_advice_messages_invitee_id", table_name="advice_messages")
    op.drop_table("advice_messages")
    op.drop_index("ix_advice_replies_review_id", table_name="advice_replies")
    op.drop_table("advice_replies")
