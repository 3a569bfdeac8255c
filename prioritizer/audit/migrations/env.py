"""Alembic environment for the audit store.

The store runs migrations itself (``prioritizer.audit.store._migrate``) on a
connection it has already opened and locked; that connection arrives in
``config.attributes["connection"]``. Running ``alembic`` from the command line is
not supported: open the store with ``prioritizer audit verify --db URL`` instead,
which migrates it.
"""

from __future__ import annotations

from alembic import context

from prioritizer.audit.schema import VERSION_TABLE, metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the audit store migrates itself when opened; run `prioritizer audit verify --db URL`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    # SQLite cannot ALTER most things; batch mode rebuilds tables for later revisions.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
