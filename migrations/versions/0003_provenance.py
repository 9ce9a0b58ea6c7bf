"""Provenance per figure and published province figures.

Each record keeps the dataset version that first published its figure and the draft (upload) it came from,
so a merge that copies untouched districts into a new version keeps their origin. Existing records are their
own origin. Province figures (one per series, period and province) feed the province layer.

Revision ID: 0003_provenance
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_provenance"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all of newer models (as the baseline test does) may have the columns already.
    existing = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("record")}
    with op.batch_alter_table("record") as batch:
        for name in ("origin_dataset_id", "origin_draft_id"):
            if name not in existing:
                batch.add_column(sa.Column(name, sa.Integer()))
    op.execute("UPDATE record SET origin_dataset_id = dataset_id WHERE origin_dataset_id IS NULL")
    op.execute(
        "UPDATE record SET origin_draft_id = "
        "(SELECT MIN(draft.id) FROM draft WHERE draft.published_as = record.dataset_id) WHERE origin_draft_id IS NULL"
    )
    op.create_table(
        "province_figure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("series", sa.String(32), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("code", sa.String(2), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("participants", sa.BigInteger()),
        sa.Column("workers", sa.BigInteger()),
        sa.Column("coverage_pct", sa.Float(), nullable=False),
        sa.Column("target_pct", sa.Float()),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.String(80)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("one_province_figure", "province_figure", ["series", "period", "code"], unique=True)


def downgrade() -> None:
    op.drop_index("one_province_figure", table_name="province_figure")
    op.drop_table("province_figure")
    with op.batch_alter_table("record") as batch:
        batch.drop_column("origin_draft_id")
        batch.drop_column("origin_dataset_id")
