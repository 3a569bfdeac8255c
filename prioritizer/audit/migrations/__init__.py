"""Alembic migrations of the audit store (run programmatically when a store is opened)."""
