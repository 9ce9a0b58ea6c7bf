"""Alembic environment: migrations run on the connection geo.schema hands over (see geo/schema.py)."""

from alembic import context

import geo.accounts  # noqa: F401 - registers its tables on Base.metadata
import geo.audit  # noqa: F401
import geo.drafts  # noqa: F401
import geo.saved_aliases  # noqa: F401
from geo.store import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    compare_type=True,
    # SQLite cannot ALTER most things; batch mode copies the table instead, PostgreSQL alters in place.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
