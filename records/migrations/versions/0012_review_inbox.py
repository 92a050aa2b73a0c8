"""The review's inbox: every stage input stored first, one per wait (issue 17)

Revision ID: 0012
Revises: 0011
Create Date: every input recorded (issue 17)

``review_inbox`` replaces ``pending_submissions``: it holds every person's stage input (from the front
door, the API, ``ehcp`` or the Prefect UI) before anything talks to Prefect, one row per wait of a
review, with what became of it. A submission the front door kept while Prefect was unreachable moves
across as a received input of the review's current wait (when the review is still at that stage);
one whose stage the review has left is kept as superseded (at wait 0, which no review has), so
nothing a person gave disappears.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

RECEIVED = sa.text("status = 'received'")


def _created_at(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "review_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("wait_number", sa.Integer(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name="fk_review_inbox_review_id_reviews", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_inbox"),
        sa.UniqueConstraint("review_id", "wait_number", name="uq_review_inbox_review_id_wait_number"),
    )
    op.create_index(
        "ix_review_inbox_received", "review_inbox", ["received_at"], sqlite_where=RECEIVED, postgresql_where=RECEIVED
    )
    _move_kept_submissions()
    op.drop_index("ix_pending_submissions_review_id", table_name="pending_submissions")
    op.drop_table("pending_submissions")


def _move_kept_submissions() -> None:
    """Kept submissions become inbox rows: the newest pending one per review answers its current wait."""
    op.execute(
        """
        INSERT INTO review_inbox (review_id, stage, wait_number, form, submitted_by, source, status,
                                  received_at, last_error)
        SELECT p.review_id, p.stage, CASE WHEN r.stage = p.stage THEN r.wait_number ELSE 0 END, p.form,
               'front door', 'portal',
               CASE WHEN r.stage = p.stage THEN 'received' ELSE 'superseded' END,
               p.created_at, p.last_error
        FROM pending_submissions p JOIN reviews r ON r.id = p.review_id
        WHERE p.status = 'pending'
          AND p.id = (SELECT max(q.id) FROM pending_submissions q
                      WHERE q.review_id = p.review_id AND q.status = 'pending')
        """
    )


def downgrade() -> None:
    op.create_table(
        "pending_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        _created_at("created_at"),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name="fk_pending_submissions_review_id_reviews", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pending_submissions"),
    )
    op.create_index("ix_pending_submissions_review_id", "pending_submissions", ["review_id"])
    op.execute(
        """
        INSERT INTO pending_submissions (review_id, stage, form, status, last_error, created_at)
        SELECT review_id, stage, form, 'pending', last_error, received_at
        FROM review_inbox WHERE status = 'received'
        """
    )
    op.drop_index("ix_review_inbox_received", table_name="review_inbox")
    op.drop_table("review_inbox")
