"""Signed-in sessions kept in the store, so that disabling or resetting an account ends them.

* ``audit_sessions``  one row per open session (the app's and the command line's): the
                      SHA-256 of its random token (the token itself is only in the holder's
                      session file or browser session), the account, when it started, when it
                      was last used, and when and why it ended. Not chained: opening and ending
                      a session are chained ``signed_in`` / ``session_ended`` events.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_sessions",
        sa.Column("token_hash", sa.String(64)),
        sa.Column("user", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("last_seen", sa.String(40), nullable=False),
        sa.Column("ended_at", sa.String(40), nullable=True),
        sa.Column("ended_reason", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_audit_sessions"),
    )
    op.create_index("ix_audit_sessions_user", "audit_sessions", ["user"])


def downgrade() -> None:
    op.drop_index("ix_audit_sessions_user", "audit_sessions")
    op.drop_table("audit_sessions")
