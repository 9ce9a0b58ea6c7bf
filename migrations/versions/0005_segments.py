"""Participant segments and who pays for vulnerable workers: optional counts on each record.

Nullable: a record without segments (every record before this revision) leaves them empty, which the map
shows as "tidak ada data", never 0.

Revision ID: 0005_segments
Revises: 0004_accounts
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_segments"
down_revision = "0004_accounts"
branch_labels = None
depends_on = None

COLUMNS = (
    "participants_pu",
    "participants_bpu",
    "participants_jakon",
    "participants_pmi",
    "vulnerable_regency",
    "vulnerable_province",
    "vulnerable_other",
    "contribution_monthly",
)


def upgrade() -> None:
    # A database made by create_all of newer models (as the baseline test does) may have the columns already.
    existing = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("record")}
    with op.batch_alter_table("record") as batch:
        for name in COLUMNS:
            if name not in existing:
                batch.add_column(sa.Column(name, sa.BigInteger()))


def downgrade() -> None:
    with op.batch_alter_table("record") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
