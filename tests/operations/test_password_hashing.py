"""The tests hash their own users' passwords cheaply (tests/shims.py), never
the portal: a CKAN process started as production starts it keeps passlib's
PBKDF2-SHA512 default rounds."""
import os
import subprocess
import sys

import pytest
from passlib.hash import pbkdf2_sha512

import ckan.model as model
from ckan.tests import factories

from tests import shims
from tests.helpers import REPO_ROOT

pytestmark = pytest.mark.usefixtures("satudata_db")


def stored_rounds(name):
    model.Session.remove()
    return pbkdf2_sha512.from_string(model.User.by_name(name).password).rounds


def test_a_tests_user_is_hashed_cheaply_and_still_logs_in():
    factories.User(name="warga-uji", password="RahasiaBanyuwangi1")
    assert stored_rounds("warga-uji") == shims.TEST_PASSWORD_ROUNDS
    user = model.User.by_name("warga-uji")
    assert user.validate_password("RahasiaBanyuwangi1")
    assert not user.validate_password("RahasiaBanyuwangi2")


def test_the_portals_own_process_hashes_with_passlibs_default_rounds():
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    done = subprocess.run(
        [ckan, "-c", str(REPO_ROOT / "test.ini"), "user", "add", "staf-produksi",
         "email=staf@banyuwangikab.go.id", "password=RahasiaBanyuwangi1"],
        cwd=REPO_ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert pbkdf2_sha512.default_rounds >= 25000
    assert stored_rounds("staf-produksi") == pbkdf2_sha512.default_rounds
    assert model.User.by_name("staf-produksi").validate_password("RahasiaBanyuwangi1")
