"""Initial audit store: hash-chained records, runs, input file blobs, weight events.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "audit_records",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("ref", sa.String(255), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_records"),
        sa.UniqueConstraint("hash", name="uq_audit_records_hash"),
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("runs", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS, "runs": 0}])
    op.create_table(
        "audit_runs",
        sa.Column("run_id", sa.String(32)),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("command", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("case_path", sa.Text, nullable=False),
        sa.Column("model_name", sa.String(255), nullable=True),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("policy", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("versions", sa.Text, nullable=False),
        sa.Column("weights", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("input_digests", sa.Text, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name="pk_audit_runs"),
        sa.UniqueConstraint("seq", name="uq_audit_runs_seq"),
    )
    for col in ("command", "actor", "created_at", "model_name"):
        op.create_index(f"ix_audit_runs_{col}", "audit_runs", [col])
    op.create_table(
        "audit_blobs",
        sa.Column("digest", sa.String(64)),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_audit_blobs"),
    )
    op.create_table(
        "audit_run_files",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "name", name="pk_audit_run_files"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["audit_runs.run_id"], name="fk_audit_run_files_run_id_audit_runs"
        ),
        sa.ForeignKeyConstraint(
            ["digest"], ["audit_blobs.digest"], name="fk_audit_run_files_digest_audit_blobs"
        ),
    )
    op.create_index("ix_audit_run_files_digest", "audit_run_files", ["digest"])
    op.create_table(
        "audit_weight_events",
        sa.Column("seq", sa.Integer, autoincrement=False),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("model_name", sa.String(255), nullable=False),
        sa.Column("criterion", sa.String(255), nullable=False),
        sa.Column("from_weight", sa.Float, nullable=True),
        sa.Column("to_weight", sa.Float, nullable=True),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_weight_events"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["audit_runs.run_id"], name="fk_audit_weight_events_run_id_audit_runs"
        ),
    )
    op.create_index("ix_audit_weight_events_run_id", "audit_weight_events", ["run_id"])
    op.create_index("ix_audit_weight_events_model_name", "audit_weight_events", ["model_name"])


def downgrade() -> None:
    for table in (
        "audit_weight_events",
        "audit_run_files",
        "audit_blobs",
        "audit_runs",
        "audit_head",
        "audit_records",
    ):
        op.drop_table(table)
