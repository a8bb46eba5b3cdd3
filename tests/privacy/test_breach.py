"""The breach runbook (issue 26): `ckan satudata privacy breach` lists the
requesters whose data staff viewed in the window (from the access log), or
everyone stored (--all-stored), and drafts the Pasal 46 notice in Bahasa
Indonesia: what, when, how, what is done. The NIK itself is never printed."""
import datetime as dt

import pytest
from click.testing import CliRunner

import ckan.model as model
from ckan.tests import helpers

from ckanext.satudata.privacy.cli import privacy
from ckanext.satudata.workflow import clock
from tests.helpers import as_user
from tests.privacy.conftest import NIK, REQUESTER
from tests.requests.helpers import ANON

pytestmark = [pytest.mark.usefixtures("satudata_db"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]


def run(*args):
    return CliRunner().invoke(privacy, ["breach", *args], catch_exceptions=False)


def test_the_affected_and_their_notice(walidata):
    seen = helpers.call_action("satudata_request_create", context=dict(ANON), **REQUESTER)
    unseen = helpers.call_action("satudata_request_create", context=dict(ANON),
                                 **dict(REQUESTER, name="Bagus Prakoso",
                                        email="bagus@warga.example.org"))
    helpers.call_action("satudata_request_show", context=as_user(walidata["kabid"]),
                        id=seen["number"])
    model.repo.commit()
    now = clock.now().astimezone(clock.WIB)
    window = ["--from", (now - dt.timedelta(hours=1)).isoformat(),
              "--to", (now + dt.timedelta(hours=1)).isoformat()]
    out = run(*window, "--exposed", "name,email,identity_number",
              "--how", "Akun petugas diambil alih", "--action", "Kata sandi diganti").output
    assert "# 1 pemohon terdampak" in out
    assert seen["number"] in out and REQUESTER["email"] in out
    assert unseen["number"] not in out and "bagus@" not in out
    assert "UU 27/2022 Pasal 46" in out and "nama, alamat email, NIK" in out
    assert "Akun petugas diambil alih" in out and "Kata sandi diganti" in out
    assert NIK not in out
    everyone = run(*window, "--exposed", "email", "--all-stored").output
    assert "# 2 pemohon terdampak" in everyone and "bagus@warga.example.org" in everyone
    earlier = run("--from", "2020-01-01T00:00", "--to", "2020-01-02T00:00",
                  "--exposed", "email").output
    assert "# 0 pemohon terdampak" in earlier


def test_an_unknown_field_is_refused(walidata):
    result = CliRunner().invoke(privacy, ["breach", "--from", "2026-01-01", "--to",
                                          "2026-01-02", "--exposed", "alamat"])
    assert result.exit_code == 2 and "unknown field" in result.output
