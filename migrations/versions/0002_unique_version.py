"""One version number per period: two publishes of the same period can no longer both take version N.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("one_version_number", "dataset", ["series", "period", "version"], unique=True)


def downgrade() -> None:
    op.drop_index("one_version_number", table_name="dataset")
