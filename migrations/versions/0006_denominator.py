"""What a figure's coverage is a share of: 'angkatan_kerja' when the file's denominator was the labour force.

Nullable: blank is the employed population (penduduk bekerja), UCJ's own definition, as every record before
this revision was published.

Revision ID: 0006_denominator
Revises: 0005_segments
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_denominator"
down_revision = "0005_segments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all of newer models (as the baseline test does) may have the column already.
    existing = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("record")}
    if "denominator" not in existing:
        with op.batch_alter_table("record") as batch:
            batch.add_column(sa.Column("denominator", sa.String(20)))


def downgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.drop_column("denominator")
