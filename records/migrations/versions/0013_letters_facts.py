"""Letters that say only what is true (issue 18): the interim review of an under-5 and the institution a plan names

Revision ID: 0013
Revises: 0012
Create Date: letters and ladders (issue 18)

reviews gain ``interim_review_held_on`` (CoP 9.178: an under-5's interim review, recorded so its advisory date
is met) and ``named_setting_id`` (the school or college an amended plan names when it is not the current
setting: the final plan and the cease notice go to it too, Regs 22(3)(b) and 31(2)). Both nullable; added in
batch mode so SQLite can take the foreign key.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("interim_review_held_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("named_setting_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_reviews_named_setting_id_settings", "settings", ["named_setting_id"], ["id"], ondelete="RESTRICT"
        )


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.drop_constraint("fk_reviews_named_setting_id_settings", type_="foreignkey")
        batch.drop_column("named_setting_id")
        batch.drop_column("interim_review_held_on")
