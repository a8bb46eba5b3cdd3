"""The personal-data scan of the file an OPD sends for a data request (issue
26): staff see the findings on the request page before delivering it."""
import io
import pathlib

import pytest
from werkzeug.datastructures import FileStorage

from ckan.tests import factories, helpers

from tests.helpers import as_user
from tests.quality.test_checks_files import EXPECTED_PERSONAL
from tests.requests.conftest import filed, opds  # noqa: F401 - fixtures
from ckanext.satudata.quality.checks import request_files

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def act(user, request, transition, **kw):
    return helpers.call_action("satudata_request_transition", context=as_user(user),
                               id=request["number"], transition=transition, **kw)


def to_the_opd(opds, filed):  # noqa: F811
    act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
    act(opds["staf"], filed, "not_available")
    act(opds["subkoord"], filed, "escalate", organization="dinkes")
    act(opds["opd"], filed, "opd_confirm")


def staff_page(app, opds, filed):  # noqa: F811
    token = factories.APIToken(user=opds["staf"]["name"])["token"]
    return app.get("/id/permintaan-data/%s" % filed["number"],
                   headers={"Authorization": token}).body


def test_personal_data_in_the_opd_file_is_shown_to_staff(app, opds, filed):  # noqa: F811
    to_the_opd(opds, filed)
    act(opds["opd"], filed, "opd_send", upload=FileStorage(
        io.BytesIO((FIXTURES / "warga_pribadi.csv").read_bytes()), filename="warga.csv"))
    scan = request_files.latest(filed["id"])
    assert scan["status"] == "done" and scan["personal"] == EXPECTED_PERSONAL
    page = staff_page(app, opds, filed)
    assert "Data pribadi ditemukan di berkas ini (9); hapus sebelum menyerahkan" in page
    assert "NIK (nomor induk kependudukan) 3510**********01" in page
    # masked on the page too
    assert "3510014101900001" not in page


def test_clean_and_non_table_files(app, opds, filed):  # noqa: F811
    to_the_opd(opds, filed)
    act(opds["opd"], filed, "opd_send", upload=FileStorage(
        io.BytesIO((FIXTURES / "penduduk_bersih.csv").read_bytes()), filename="data.csv"))
    assert request_files.latest(filed["id"])["personal"] == []
    assert "Tidak ditemukan data pribadi" in staff_page(app, opds, filed)


def test_a_pdf_is_named_as_not_scanned(app, opds, filed):  # noqa: F811
    to_the_opd(opds, filed)
    act(opds["opd"], filed, "opd_send", upload=FileStorage(
        io.BytesIO(b"%PDF-1.4 contoh"), filename="laporan.pdf"))
    assert request_files.latest(filed["id"])["message"] == request_files.NOT_A_TABLE
    assert "Bukan tabel CSV/XLSX: tidak dipindai" in staff_page(app, opds, filed)
