"""NIK encrypted at rest (issue 26): the database row and a dump of the
database hold no NIK in clear; the key from config opens it; a rotation with
`ckan satudata privacy rotate-key` re-encrypts every NIK under a new key."""
import subprocess

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import ckan.model as model
from ckan.tests import helpers

from ckanext.satudata.model import data_request
from ckanext.satudata.privacy import crypto
from ckanext.satudata.privacy.cli import privacy
from tests.helpers import as_user
from tests.privacy.conftest import NIK, NIK_MASKED, REQUESTER
from tests.requests.helpers import ANON

pytestmark = [pytest.mark.usefixtures("satudata_db"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]


def stored(number):
    return model.Session.execute(sa.select(data_request.c.identity_number).where(
        data_request.c.number == number)).scalar()


def test_the_row_holds_no_nik_in_clear(walidata):
    filed = helpers.call_action("satudata_request_create", context=dict(ANON), **REQUESTER)
    value = stored(filed["number"])
    assert value and NIK not in value and NIK[4:12] not in value
    shown = helpers.call_action("satudata_request_show", context=as_user(walidata["staf"]),
                                id=filed["number"])
    assert shown["identity_number"] == NIK
    assert helpers.call_action("satudata_request_show", context=as_user(walidata["kabid"]),
                               id=filed["number"])["identity_number"] == NIK_MASKED


def test_a_dump_of_the_database_alone_does_not_reveal_it(walidata):
    helpers.call_action("satudata_request_create", context=dict(ANON), **REQUESTER)
    model.repo.commit()
    url = model.meta.engine.url
    dump = subprocess.run(
        ["pg_dump", "--data-only", "-t", "satudata_data_request", "-h", url.host,
         "-p", str(url.port), "-U", url.username, url.database],
        env={"PGPASSWORD": url.password or "", "PATH": "/usr/bin:/bin:/usr/lib/postgresql/"
             "15/bin:/usr/lib/postgresql/16/bin:/usr/lib/postgresql/17/bin"},
        capture_output=True, text=True, check=True).stdout
    assert REQUESTER["email"] in dump   # the dump is of the right table
    assert NIK not in dump


def test_without_the_key_nothing_opens(walidata, ckan_config, monkeypatch):
    filed = helpers.call_action("satudata_request_create", context=dict(ANON), **REQUESTER)
    other = crypto.Fernet.generate_key().decode()
    monkeypatch.setitem(ckan_config, crypto.CONFIG_KEY, other)
    shown = helpers.call_action("satudata_request_show", context=as_user(walidata["staf"]),
                                id=filed["number"])
    assert shown["identity_number"] is None and NIK not in repr(shown)


def test_rotate_key_re_encrypts_with_a_new_key_file(walidata, ckan_config, monkeypatch,
                                                     tmp_path):
    first = crypto.Fernet.generate_key().decode()
    key_file = tmp_path / "personal_data.key"
    key_file.write_text(first + "\n")
    monkeypatch.setitem(ckan_config, crypto.CONFIG_KEY, str(key_file))
    filed = helpers.call_action("satudata_request_create", context=dict(ANON), **REQUESTER)
    before = stored(filed["number"])
    model.repo.commit()
    result = CliRunner().invoke(privacy, ["rotate-key"], catch_exceptions=False)
    assert "rotated 1 NIK" in result.output
    keys = crypto.parse_keys(key_file.read_text())
    assert len(keys) == 1 and keys[0] != first
    after = stored(filed["number"])
    assert after != before and crypto.reveal(after) == NIK
    # the old key alone no longer opens it
    assert crypto.MultiFernet([crypto.Fernet(first.encode())]).decrypt(
        before.encode()).decode() == NIK
    with pytest.raises(crypto.InvalidToken):
        crypto.Fernet(first.encode()).decrypt(after.encode())


def test_migration_seals_the_niks_kept_in_clear(walidata, migrate_db_for):
    filed = helpers.call_action("satudata_request_create", context=dict(ANON), **REQUESTER)
    model.repo.commit()
    model.Session.remove()
    migrate_db_for("satudata", "0011_quality_reports", forward=False)
    assert stored(filed["number"]) == NIK   # as the rows were before the migration
    model.Session.remove()
    migrate_db_for("satudata")
    value = stored(filed["number"])
    assert value != NIK and crypto.reveal(value) == NIK
