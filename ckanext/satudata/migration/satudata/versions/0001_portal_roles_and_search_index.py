"""Portal roles (the search index has moved to the satudata_search chain)

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_portal_role",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("granted_by", sa.UnicodeText),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.UniqueConstraint("user_id", "role", name="satudata_portal_role_user_role_key"),
        sa.CheckConstraint("role IN ('staf', 'subkoord', 'kabid')",
                           name="satudata_portal_role_role_check"),
    )
    op.create_index("satudata_portal_role_role_idx", "satudata_portal_role", ["role"])
    # satudata_search_index: created here until 2026-11-26, now by the
    # satudata_search plugin's own chain (`ckan db upgrade -p satudata_search`,
    # its revision 0001 adopts a table this revision made).


def downgrade():
    op.drop_table("satudata_portal_role")
