"""Accounts can be disabled and their sessions ended: a session version per account, a disabled flag.

Revision ID: 0004_accounts
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_accounts"
down_revision = "0003_provenance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot add a NOT NULL column with a default otherwise on older versions, and
    # dropping columns (downgrade) needs a table copy there.
    with op.batch_alter_table("user_account") as table:
        table.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as table:
        table.drop_column("disabled")
        table.drop_column("session_version")
