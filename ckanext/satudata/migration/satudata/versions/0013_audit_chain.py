"""A verifiable audit trail (issue 27): every entry of the workflow log, the
request log and a new role-change log carries the hash of the entry before it
(prev_hash) and its own (hash = SHA-256 of prev_hash and the entry).

The hash is computed by a trigger in the writer's own transaction, after an
advisory lock per log held until commit: two writers never read the same
previous entry (no fork), and the entry's id is taken under that lock, so id
order is chain order. The entry is hashed as its JSON (to_jsonb, keys in
PostgreSQL's fixed order, times in UTC whatever the session's time zone).
Role grants and revokes are written to satudata_role_event by a trigger on
satudata_portal_role, so no code path can change a role unlogged.

Revision ID: 0013_audit_chain
Revises: 0012_personal_data
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_audit_chain"
down_revision = "0012_personal_data"
branch_labels = None
depends_on = None

CHAINED = ("satudata_dataset_transition_log", "satudata_request_event", "satudata_role_event")


def upgrade():
    op.create_table(
        "satudata_role_event",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("action", sa.UnicodeText, nullable=False),   # grant | revoke
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
    )
    # the roles held today: their grants are the log's first entries
    op.execute("""
        INSERT INTO satudata_role_event (user_id, role, action, actor_id, at)
          SELECT user_id, role, 'grant', granted_by, granted_at FROM satudata_portal_role
          ORDER BY granted_at, id
    """)
    op.execute("""
        CREATE TRIGGER satudata_role_event_append_only
          BEFORE UPDATE OR DELETE ON satudata_role_event
          FOR EACH ROW EXECUTE FUNCTION satudata_refuse_log_change();

        -- the actor of a revoke: the session's satudata.actor when the app set it
        CREATE OR REPLACE FUNCTION satudata_log_role_change() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            INSERT INTO satudata_role_event (user_id, role, action, actor_id, at)
              VALUES (NEW.user_id, NEW.role, 'grant', NEW.granted_by, now());
            RETURN NEW;
          END IF;
          INSERT INTO satudata_role_event (user_id, role, action, actor_id, at)
            VALUES (OLD.user_id, OLD.role, 'revoke',
                    nullif(current_setting('satudata.actor', true), ''), now());
          RETURN OLD;
        END $$ LANGUAGE plpgsql;
        CREATE TRIGGER satudata_portal_role_logged
          AFTER INSERT OR DELETE ON satudata_portal_role
          FOR EACH ROW EXECUTE FUNCTION satudata_log_role_change();

        CREATE OR REPLACE FUNCTION satudata_audit_digest(prev text, entry jsonb) RETURNS text
          LANGUAGE sql IMMUTABLE AS $$
            SELECT encode(sha256(convert_to(
              coalesce(prev, '') || '|' || (entry - 'hash' - 'prev_hash')::text, 'UTF8')), 'hex')
          $$;

        CREATE OR REPLACE FUNCTION satudata_audit_chain() RETURNS trigger
          LANGUAGE plpgsql SET timezone = 'UTC' AS $$
        DECLARE
          previous text;
        BEGIN
          PERFORM pg_advisory_xact_lock(hashtext('satudata_audit_chain'), hashtext(TG_TABLE_NAME));
          NEW.id := nextval(pg_get_serial_sequence(TG_TABLE_NAME, 'id'));
          EXECUTE format('SELECT hash FROM %I ORDER BY id DESC LIMIT 1', TG_TABLE_NAME)
            INTO previous;
          NEW.prev_hash := coalesce(previous, '');
          NEW.hash := satudata_audit_digest(NEW.prev_hash, to_jsonb(NEW));
          RETURN NEW;
        END $$;
    """)
    for table in CHAINED:
        op.add_column(table, sa.Column("prev_hash", sa.UnicodeText))
        op.add_column(table, sa.Column("hash", sa.UnicodeText))
        # the entries written before this migration, chained in id order
        op.execute("""
            ALTER TABLE {t} DISABLE TRIGGER {t}_append_only;
            SET LOCAL timezone = 'UTC';
            DO $$
            DECLARE r record; previous text := '';
            BEGIN
              FOR r IN SELECT * FROM {t} ORDER BY id LOOP
                UPDATE {t} SET prev_hash = previous,
                  hash = satudata_audit_digest(previous, to_jsonb(r))
                  WHERE id = r.id RETURNING hash INTO previous;
              END LOOP;
            END $$;
            ALTER TABLE {t} ENABLE TRIGGER {t}_append_only;
            CREATE TRIGGER {t}_chained BEFORE INSERT ON {t}
              FOR EACH ROW EXECUTE FUNCTION satudata_audit_chain();
        """.format(t=table))


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS satudata_portal_role_logged ON satudata_portal_role")
    op.execute("DROP FUNCTION IF EXISTS satudata_log_role_change()")
    for table in CHAINED[:2]:
        op.execute("DROP TRIGGER IF EXISTS {t}_chained ON {t}".format(t=table))
        op.drop_column(table, "hash")
        op.drop_column(table, "prev_hash")
    op.drop_table("satudata_role_event")
    op.execute("DROP FUNCTION IF EXISTS satudata_audit_chain()")
    op.execute("DROP FUNCTION IF EXISTS satudata_audit_digest(text, jsonb)")
