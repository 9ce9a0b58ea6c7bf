"""The year a province figure's target is for, like a district figure's (0007): from an uploaded province row's
'Target 2026' column or the editor's answer, or a bundled file's `tahun_target`; blank: December of the figure's
own year is assumed, and said so.

Revision ID: 0008_province_target_year
Revises: 0007_target_year
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_province_target_year"
down_revision = "0007_target_year"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all of newer models (as the baseline test does) may have the column already.
    existing = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("province_figure")}
    if "target_year" not in existing:
        with op.batch_alter_table("province_figure") as batch:
            batch.add_column(sa.Column("target_year", sa.String(4)))


def downgrade() -> None:
    with op.batch_alter_table("province_figure") as batch:
        batch.drop_column("target_year")
