"""Case versions saved from the app: a manifest of content-addressed files, chained like runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_case_versions",
        sa.Column("version_id", sa.String(32)),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("parent_id", sa.String(32), nullable=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("case_name", sa.String(255), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("manifest", sa.Text, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("version_id", name="pk_audit_case_versions"),
        sa.UniqueConstraint("seq", name="uq_audit_case_versions_seq"),
    )
    op.create_index("ix_audit_case_versions_digest", "audit_case_versions", ["digest"])
    op.create_table(
        "audit_case_version_files",
        sa.Column("version_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "name", name="pk_audit_case_version_files"),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["audit_case_versions.version_id"],
            name="fk_audit_case_version_files_version_id_audit_case_versions",
        ),
        sa.ForeignKeyConstraint(
            ["digest"], ["audit_blobs.digest"], name="fk_audit_case_version_files_digest_audit_blobs"
        ),
    )


def downgrade() -> None:
    op.drop_table("audit_case_version_files")
    op.drop_index("ix_audit_case_versions_digest", table_name="audit_case_versions")
    op.drop_table("audit_case_versions")
