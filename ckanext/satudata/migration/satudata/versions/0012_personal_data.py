"""Personal data of the request desk (issue 26, UU 27/2022): the DPO portal
role, the append-only log of staff access to requesters' personal data, and
the NIKs stored in clear until now encrypted with the configured key.

Revision ID: 0012_personal_data
Revises: 0011_quality_reports
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0012_personal_data"
down_revision = "0011_quality_reports"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_constraint("satudata_portal_role_role_check", "satudata_portal_role")
    op.create_check_constraint("satudata_portal_role_role_check", "satudata_portal_role",
                               "role IN ('staf', 'subkoord', 'kabid', 'dpo')")
    op.create_table(
        "satudata_personal_access_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("actor_name", sa.UnicodeText),
        sa.Column("actor_roles", ARRAY(sa.UnicodeText), nullable=False,
                  server_default="{}"),
        sa.Column("request_id", sa.UnicodeText, nullable=False),
        sa.Column("request_number", sa.UnicodeText),
        sa.Column("fields", ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("source", sa.UnicodeText, nullable=False),
    )
    op.create_index("satudata_personal_access_log_request_idx",
                    "satudata_personal_access_log", ["request_id", "id"])
    op.create_index("satudata_personal_access_log_at_idx",
                    "satudata_personal_access_log", ["at"])
    # append-only: the function of migration 0002 refuses UPDATE and DELETE
    op.execute("""
        CREATE TRIGGER satudata_personal_access_log_append_only
          BEFORE UPDATE OR DELETE ON satudata_personal_access_log
          FOR EACH ROW EXECUTE FUNCTION satudata_refuse_log_change();
    """)
    _seal_clear_niks()


def _seal_clear_niks():
    """Encrypt every NIK still in clear (digits); refuses to run without a
    key when there is one to encrypt, rather than leave it readable."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, identity_number FROM satudata_data_request "
        "WHERE identity_number ~ '^[0-9]+$'")).all()
    if not rows:
        return
    from ckanext.satudata.privacy import crypto
    for row in rows:
        conn.execute(sa.text("UPDATE satudata_data_request SET identity_number = :v "
                             "WHERE id = :id"),
                     {"v": crypto.seal(row.identity_number), "id": row.id})


def downgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, identity_number FROM satudata_data_request "
        "WHERE identity_number IS NOT NULL AND identity_number !~ '^[0-9]+$'")).all()
    if rows:
        from ckanext.satudata.privacy import crypto
        for row in rows:
            conn.execute(sa.text("UPDATE satudata_data_request SET identity_number = :v "
                                 "WHERE id = :id"),
                         {"v": crypto.reveal(row.identity_number), "id": row.id})
    op.drop_table("satudata_personal_access_log")
    op.execute("DELETE FROM satudata_portal_role WHERE role = 'dpo'")
    op.drop_constraint("satudata_portal_role_role_check", "satudata_portal_role")
    op.create_check_constraint("satudata_portal_role_role_check", "satudata_portal_role",
                               "role IN ('staf', 'subkoord', 'kabid')")
