"""The year a figure's target is for ('2026' from a column 'Target 2026', or the editor's answer on the review
page); blank: the file did not say, and the pace takes the target for December of the figure's own year, said so.

Revision ID: 0007_target_year
Revises: 0006_denominator
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_target_year"
down_revision = "0006_denominator"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all of newer models (as the baseline test does) may have the column already.
    existing = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("record")}
    if "target_year" not in existing:
        with op.batch_alter_table("record") as batch:
            batch.add_column(sa.Column("target_year", sa.String(4)))


def downgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.drop_column("target_year")
