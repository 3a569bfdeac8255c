"""Sign-in and committee work: local accounts, chained events, judgement drafts, run identity.

* ``audit_users``   local accounts (argon2id hash, role, clearance, lockout counters); a
                    mutable table, not chained — every change to it is an ``audit_events`` row.
* ``audit_events``  chained records of kind ``event``: sign-in failures and lockouts, account
                    changes, refusals, comments, approvals, judgement submissions, exports.
* ``audit_drafts``  a committee member's judgements before they are submitted (not chained).
* ``audit_runs.identity`` how the author of a run was established (JSON; null for older runs).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_users",
        sa.Column("user", sa.String(255)),
        sa.Column("display_name", sa.String(255), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("clearance", sa.String(32), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=True),
        sa.Column("must_reset", sa.Boolean, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.String(40), nullable=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("user", name="pk_audit_users"),
    )
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer, autoincrement=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("ref", sa.String(255), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("identity", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_kind", "audit_events", ["kind"])
    op.create_index("ix_audit_events_ref", "audit_events", ["ref"])
    op.create_table(
        "audit_drafts",
        sa.Column("user", sa.String(255), nullable=False),
        sa.Column("topic", sa.String(255), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("user", "topic", name="pk_audit_drafts"),
    )
    with op.batch_alter_table("audit_runs") as batch:
        batch.add_column(sa.Column("identity", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_runs") as batch:
        batch.drop_column("identity")
    for table in ("audit_drafts", "audit_events", "audit_users"):
        op.drop_table(table)
