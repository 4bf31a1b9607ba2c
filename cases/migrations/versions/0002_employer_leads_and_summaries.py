"""employer leads (company, vacancies) and conversation summaries on leads

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(sa.Column("company", sa.String(length=200), nullable=True))
    with op.batch_alter_table("leads") as batch_op:
        batch_op.add_column(sa.Column("summary", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "vacancies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("start", sa.String(length=16), nullable=False),
        sa.Column("german_level", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_vacancies_lead_id_leads"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vacancies")),
    )
    with op.batch_alter_table("vacancies") as batch_op:
        batch_op.create_index(batch_op.f("ix_vacancies_lead_id"), ["lead_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("vacancies") as batch_op:
        batch_op.drop_index(batch_op.f("ix_vacancies_lead_id"))
    op.drop_table("vacancies")
    with op.batch_alter_table("leads") as batch_op:
        batch_op.drop_column("summary")
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_column("company")
