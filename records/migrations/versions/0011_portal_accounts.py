"""front door: staff accounts, API tokens, meeting records, pending submissions, feedback

Revision ID: 0011
Revises: 0010
Create Date: the front door for people (issue 11)

New tables only (no ALTER of existing ones), so SQLite and PostgreSQL take the same DDL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _created_at(name: str = "created_at") -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _review_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["review_id"], ["reviews.id"], name=f"fk_{table}_review_id_reviews", ondelete="CASCADE"
    )


def _staff_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["staff_users.id"], name=f"fk_{table}_user_id_staff_users", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("staff_id", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("oidc_subject", sa.String(length=254), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_staff_users"),
        sa.UniqueConstraint("email", name="uq_staff_users_email"),
        sa.UniqueConstraint("staff_id", name="uq_staff_users_staff_id"),
        sa.UniqueConstraint("oidc_subject", name="uq_staff_users_oidc_subject"),
    )
    op.create_table(
        "staff_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("setting_urn", sa.String(length=12), nullable=False),
        _staff_fk("staff_settings"),
        sa.PrimaryKeyConstraint("user_id", "setting_urn", name="pk_staff_settings"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        _created_at(),
        _staff_fk("api_tokens"),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_digest", name="uq_api_tokens_token_digest"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "meeting_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("updated_by", sa.String(length=40), nullable=False),
        _created_at("updated_at"),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        _review_fk("meeting_records"),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_records"),
        sa.UniqueConstraint("review_id", name="uq_meeting_records_review_id"),
    )
    op.create_table(
        "pending_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        _created_at(),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        _review_fk("pending_submissions"),
        sa.PrimaryKeyConstraint("id", name="pk_pending_submissions"),
    )
    op.create_index("ix_pending_submissions_review_id", "pending_submissions", ["review_id"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.String(length=40), nullable=True),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
    )


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_index("ix_pending_submissions_review_id", table_name="pending_submissions")
    op.drop_table("pending_submissions")
    op.drop_table("meeting_records")
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("staff_settings")
    op.drop_table("staff_users")
