"""Baseline: the schema as the releases before migrations made it with create_all.

Those releases added tables as features arrived, so an older database holds some of these tables (the
datasets from the start; accounts, drafts and the audit log later). This revision creates the ones missing
and leaves existing ones, which create_all made from the same definitions, as they are.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for table, create in TABLES.items():
        if table not in existing:
            create()


def _dataset() -> None:
    op.create_table(
        "dataset",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("series", sa.String(32), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_live", sa.Boolean(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("file_name", sa.String(255)),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(80)),
        _created_at(),
    )
    op.create_index("ix_dataset_series", "dataset", ["series"])
    op.create_index(
        "one_live_version",
        "dataset",
        ["series", "period"],
        unique=True,
        sqlite_where=sa.text("is_live"),
        postgresql_where=sa.text("is_live"),
    )


def _record() -> None:
    op.create_table(
        "record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dataset_id", sa.Integer(), sa.ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(5), nullable=False),
        sa.Column("input", sa.String(200)),
        sa.Column("participants", sa.BigInteger()),
        sa.Column("workers", sa.BigInteger()),
        sa.Column("coverage_pct", sa.Float(), nullable=False),
        sa.Column("target_pct", sa.Float()),
        sa.Column("source", sa.Text()),
        sa.Column("as_of", sa.String(80)),
    )
    op.create_index("ix_record_dataset_id", "record", ["dataset_id"])


def _user_account() -> None:
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        _created_at(),
    )


def _api_token() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _created_at(),
    )
    op.create_index("ix_api_token_user_id", "api_token", ["user_id"])


def _draft() -> None:
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("series", sa.String(32), nullable=False),
        sa.Column("period", sa.String(7)),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        _created_at(),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("published_as", sa.Integer(), sa.ForeignKey("dataset.id")),
    )


def _audit_event() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )


def _saved_alias() -> None:
    op.create_table(
        "saved_alias",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("jenis", sa.String(16), nullable=False),
        sa.Column("kode", sa.String(5), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        _created_at(),
    )


TABLES = {
    "dataset": _dataset,
    "record": _record,
    "user_account": _user_account,
    "api_token": _api_token,
    "draft": _draft,
    "audit_event": _audit_event,
    "saved_alias": _saved_alias,
}


def downgrade() -> None:
    for table in ("saved_alias", "audit_event", "draft", "api_token", "user_account", "record", "dataset"):
        op.drop_table(table)
