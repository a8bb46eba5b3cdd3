"""Workflow 2 in the browser: the public request form, the public list and
tracking page, the buttons of every SOP step, the delivered file, the Walidata
team's board and the OPD inbox (Bahasa Indonesia by default, English
available). Real stack: PostgreSQL, Redis, the Flask app and its templates."""
import io
import re
import uuid

import pytest
from ckan.tests import factories, helpers

from tests.requests.helpers import headers, press
from tests.helpers import SdiDataset, as_user, walk

NO_LIMIT = pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
pytestmark = [pytest.mark.usefixtures("satudata_db"), NO_LIMIT]

FORM = {
    "name": "Siti Aminah Rahayu",
    "email": "siti.aminah@warga.example.org",
    "phone": "081234567890",
    "institution": "Universitas Jember",
    "identity_number": "3510014101900002",
    "title": "Jumlah tenaga kesehatan per kecamatan",
    "description": "Jumlah dokter, bidan dan perawat per kecamatan, 2020-2025.",
    "purpose": "Penelitian skripsi",
    "format": "CSV",
    "organization": "",
    "website": "",
}
PRIVATE = (FORM["name"], FORM["email"], FORM["phone"], FORM["identity_number"])
CSV = b"kecamatan,nilai\nGlagah,10\nKabat,7\n"
NUMBER = re.compile(r"PDS-\d{4}-\d{5}")


def requests_count():
    return helpers.call_action("satudata_request_list", limit=0)["count"]


def status(number):
    return helpers.call_action("satudata_request_show", number=number)["status"]


def file_request(app, **fields):
    """File a request through the public form, from a browser of its own (which
    keeps the token in its session); returns (number, token, page)."""
    page = app.test_client().post("/permintaan-data/baru", data=dict(FORM, **fields),
                                  status=200)
    number = NUMBER.search(page.body).group(0)
    token = re.search(r"\?token=([A-Za-z0-9_\-]+)", page.body).group(1)
    return number, token, page


@pytest.fixture
def opd_user(satudata_db):
    return factories.User(name="petugas-dinkes")


@pytest.fixture
def dinkes(opd_user):
    return factories.Organization(name="dinkes", title="Dinas Kesehatan",
                                  users=[{"name": opd_user["name"], "capacity": "editor"}])


# -- the form ---------------------------------------------------------------------------

def test_form_has_the_fields_and_a_hidden_honeypot(app, dinkes):
    page = app.get("/permintaan-data/baru", status=200).body
    for field in ("name", "email", "phone", "institution", "identity_number", "title",
                  "description", "purpose", "format", "organization"):
        assert 'name="%s"' % field in page, field
    assert "Dinas Kesehatan" in page  # the OPD select
    honeypot = re.search(r'<input[^>]*name="website"[^>]*>', page).group(0)
    assert 'type="text"' in honeypot and 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot
    assert "visually-hidden" in page and "Leave empty" in page


def test_anonymous_files_a_request_and_sees_number_and_token(app, dinkes):
    number, token, page = file_request(app, organization="dinkes")
    assert requests_count() == 1
    assert "Keep this token" in page.body and token in page.body
    assert "/permintaan-data/%s?token=%s" % (number, token) in page.body
    assert "no-store" in page.headers["Cache-Control"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    shown = helpers.call_action("satudata_request_show", number=number)
    assert shown["email"] == FORM["email"] and shown["suggested_organization"] == "dinkes"
    assert shown["identity_number"] == "3510********0002"   # whole only for the staf (issue 26)
    # the token opens the full view, and is exchanged for the session at once
    page = app.get("/permintaan-data/%s?token=%s" % (number, token), status=200)
    assert FORM["email"] in page.body and "token" not in page.request.url


def test_logged_in_requester_gets_the_form_prefilled_and_owns_the_request(app):
    user = factories.User(fullname="Budi Santoso", email="budi@warga.example.org")
    page = app.get("/permintaan-data/baru", headers=headers(user)).body
    assert 'value="Budi Santoso"' in page and 'value="budi@warga.example.org"' in page
    page = app.post("/permintaan-data/baru", headers=headers(user),
                    data=dict(FORM, name="Budi Santoso", email="budi@warga.example.org"))
    number = NUMBER.search(page.body).group(0)
    # their own account sees the full view without the token
    page = app.get("/permintaan-data/%s" % number, headers=headers(user)).body
    assert "budi@warga.example.org" in page and 'value="withdraw"' in page


def test_errors_keep_the_input_and_create_nothing(app):
    form = dict(FORM, email="bukan-alamat-email", title="", identity_number="12345")
    page = app.post("/id/permintaan-data/baru", data=form, status=200).body
    assert requests_count() == 0
    # beside each field, in the page's language alone (issue 23)
    assert "Alamat email tidak valid" in page and "Invalid email address" not in page
    assert "Wajib diisi" in page and "Missing value" not in page
    assert "NIK harus 16 digit angka" in page
    assert page.count('class="error-block') == 3
    # nothing typed is lost
    for field in ("name", "phone", "institution", "format"):
        assert 'value="%s"' % FORM[field] in page, field
    assert 'value="bukan-alamat-email"' in page and 'value="12345"' in page
    assert FORM["description"] in page and FORM["purpose"] in page
    # correcting the two fields files it
    number, _, _ = file_request(app)
    assert status(number) == "baru" and requests_count() == 1


def test_unknown_organization_is_an_error_not_a_crash(app):
    page = app.post("/id/permintaan-data/baru", data=dict(FORM, organization="tidak-ada"),
                    status=200).body
    assert "OPD tidak ditemukan" in page and requests_count() == 0


def test_honeypot_filled_is_refused(app):
    page = app.post("/id/permintaan-data/baru",
                    data=dict(FORM, website="http://spam.example.com"), status=200).body
    assert requests_count() == 0
    assert "Permintaan tidak dapat diproses" in page
    assert "PDS-" not in page and "token=" not in page


def test_rate_limit_keeps_the_input(app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.satudata.request_rate_limit", "2")
    address = "198.51.100.%d" % (uuid.uuid4().int % 250 + 1)
    env = {"REMOTE_ADDR": address}
    try:
        for _ in range(2):
            app.post("/permintaan-data/baru", data=FORM, extra_environ=env, status=200)
        # the Indonesian address is the same form, and the same limit
        page = app.post("/id/permintaan-data/baru", data=dict(FORM, title="Ketiga"),
                        extra_environ=env, status=429)
        assert "Terlalu banyak permintaan" in page.body and "Ajukan permintaan" in page.body
        # the wait in minutes, in the page's one language (issue 23)
        assert re.search(r"coba lagi dalam \d+ menit", page.body), page.body
        assert "Too many requests" not in page.body and page.headers["Retry-After"]
        assert 'value="Ketiga"' in page.body and FORM["description"] in page.body
        assert requests_count() == 2
    finally:
        from ckan.lib.redis import connect_to_redis
        from ckanext.satudata.requests.ratelimit import _key, _digest, mailbox
        connect_to_redis().delete(_key("addr:%s" % address),
                                  _key("email:%s" % _digest(mailbox(FORM["email"]))))


# -- the tracking page -----------------------------------------------------------------

def test_tracking_page_public_versus_token(app, walidata):
    number, token, _ = file_request(app)
    requester = app.test_client()   # the requester's browser
    public = app.get("/permintaan-data/%s" % number, status=200).body
    assert number in public and FORM["title"] in public and FORM["description"] in public
    assert "satudata-request-status-baru" in public
    for private in PRIVATE + (FORM["purpose"],):
        assert private not in public, private
    assert 'name="transition"' not in public

    # a wrong token is the public page, with a word about it
    page = app.get("/permintaan-data/%s?token=salah" % number)
    assert FORM["email"] not in page.body and "does not belong to this request" in page.body
    assert "salah" not in page.request.url

    # the Walidata team asks for clarification from the page
    press(app, number, walidata["staf"], transition="ask_clarification",
          comment="Mohon sebutkan tahun yang diperlukan.")
    assert status(number) == "menunggu_klarifikasi"
    page = requester.get("/permintaan-data/%s?token=%s" % (number, token))
    assert "no-store" in page.headers["Cache-Control"]
    assert page.request.url.endswith("/permintaan-data/%s" % number)  # the clean URL
    body = page.body
    for private in PRIVATE[:3] + ("3510********0002",):   # their own NIK masked (issue 26)
        assert private in body, private
    assert FORM["identity_number"] not in body
    assert 'value="clarify"' in body and 'value="withdraw"' in body
    assert token not in body   # the session holds it, the page does not
    assert "Mohon sebutkan tahun yang diperlukan." in body
    # the question is between the requester and the office, not for the public
    public = app.get("/permintaan-data/%s" % number).body
    assert "Mohon sebutkan tahun yang diperlukan." not in public
    assert FORM["email"] not in public

    # a clarification without text is refused with the reason, in the page's
    # language alone (test.ini: English pages; issue 23)
    page = press(requester, number, transition="clarify")
    assert "A written reason is required" in page.body
    assert "Alasan/keterangan wajib diisi" not in page.body
    assert status(number) == "menunggu_klarifikasi"
    page = press(requester, number, transition="clarify", comment="Tahun 2020-2025.")
    assert status(number) == "baru"
    # back to the private page, with no token in its address
    assert page.request.url.endswith("/permintaan-data/%s" % number)
    assert FORM["email"] in page.body
    # without the token (another browser) the buttons do nothing
    press(app, number, transition="withdraw")
    assert status(number) == "baru"
    press(requester, number, transition="withdraw", comment="Sudah tidak perlu")
    assert status(number) == "dibatalkan"
    public = app.get("/permintaan-data/%s" % number).body
    assert "satudata-request-status-dibatalkan" in public


def test_unknown_request_is_404(app):
    app.get("/permintaan-data/PDS-2020-99999", status=404)
    app.get("/permintaan-data/PDS-2020-99999/berkas", status=404)


def test_the_full_opd_branch_through_the_pages(app, walidata, dinkes, opd_user):
    number, token, _ = file_request(app)
    url = "/permintaan-data/%s" % number

    page = app.get(url, headers=headers(walidata["subkoord"])).body
    assert FORM["email"] in page  # the Walidata team sees the contact details
    assert 'value="assign"' in page and walidata["staf"]["name"] in page
    press(app, number, walidata["subkoord"], transition="assign",
          assignee=walidata["staf"]["name"])
    assert status(number) == "diperiksa"

    page = app.get(url, headers=headers(walidata["staf"])).body
    assert 'value="not_available"' in page and 'value="deliver"' in page
    press(app, number, walidata["staf"], transition="not_available",
          comment="Belum ada di portal")
    assert status(number) == "perlu_opd"

    # the OPD member cannot act before the request is sent to the OPD
    page = app.get(url, headers=headers(opd_user)).body
    assert FORM["email"] not in page and 'name="transition"' not in page

    page = app.get(url, headers=headers(walidata["subkoord"])).body
    assert 'value="escalate"' in page and "Dinas Kesehatan" in page
    press(app, number, walidata["subkoord"], transition="escalate", organization="dinkes")
    assert status(number) == "di_opd"

    page = app.get(url, headers=headers(opd_user)).body
    assert FORM["email"] not in page  # the OPD answers the request, not the person (issue 26)
    assert 'value="opd_confirm"' in page and 'value="opd_decline"' in page
    press(app, number, opd_user, transition="opd_confirm")
    assert status(number) == "opd_menyiapkan"

    # sending without data is refused; with the CSV it goes through
    page = press(app, number, opd_user, transition="opd_send")
    assert "Attach a file" in page.body and status(number) == "opd_menyiapkan"
    page = app.get(url, headers=headers(opd_user)).body
    assert 'enctype="multipart/form-data"' in page and 'name="upload"' in page
    press(app, number, opd_user, transition="opd_send",
          upload=(io.BytesIO(CSV), "data.csv"), comment="Catatan internal OPD")
    assert status(number) == "data_diterima"

    # the team (not the requester, not the public) can look at what the OPD sent
    page = app.get(url, headers=headers(walidata["subkoord"])).body
    assert "/permintaan-data/%s/berkas-opd" % number in page
    assert "Catatan internal OPD" in page and opd_user["name"] in page
    got = app.get(url + "/berkas-opd", headers=headers(walidata["subkoord"]), status=200)
    assert got.data == CSV
    app.get(url + "/berkas-opd", status=404)
    app.get(url + "/berkas-opd?token=%s" % token, status=404)

    press(app, number, walidata["subkoord"], transition="handover")
    assert status(number) == "siap_dikirim"
    press(app, number, walidata["staf"], transition="deliver",
          comment="Data terlampir untuk pemohon.")
    assert status(number) == "selesai"

    # the requester downloads it with the token; nobody else without one
    requester = app.test_client()
    page = requester.get("%s?token=%s" % (url, token)).body
    link = "/permintaan-data/%s/berkas" % number
    assert 'href="%s"' % link in page and "Data terlampir untuk pemohon." in page
    # the requester sees their request, not the inside of the office
    assert "Catatan internal OPD" not in page and "Belum ada di portal" not in page
    assert walidata["staf"]["name"] not in page and opd_user["name"] not in page
    assert "/berkas-opd" not in page
    got = requester.get(link, status=200)
    assert got.data == CSV
    assert "attachment" in got.headers["Content-Disposition"]
    assert "data.csv" in got.headers["Content-Disposition"]
    app.get(url + "/berkas", status=404)
    app.get(url + "/berkas?token=salah", status=404)
    # a link with the token (from another device) is exchanged, then downloads
    got = app.test_client().get(link + "?token=%s" % token, status=200)
    assert got.data == CSV and got.request.url.endswith(link)
    public = app.get(url).body
    assert "satudata-request-status-selesai" in public
    assert "delivered privately to the requester" in public and "/berkas" not in public
    assert "Data terlampir untuk pemohon." not in public   # a message to the requester
    # the public history names the steps without naming who took them
    assert "Send to the agency" in public   # test.ini: English pages
    assert walidata["staf"]["name"] not in public and opd_user["name"] not in public


def test_buttons_refuse_who_may_not_press_them(app, walidata, opd_user):
    number, _, _ = file_request(app)
    page = press(app, number, walidata["staf"], transition="assign",
                 assignee=walidata["staf"]["name"])
    assert "Only the Subkoord can do this" in page.body and status(number) == "baru"
    assert "Hanya Subkoord" not in page.body   # the page's language alone (issue 23)
    press(app, number, opd_user, transition="reject", comment="spam")
    assert status(number) == "baru"
    # a reject needs a reason, and gets it on the public page
    page = press(app, number, walidata["subkoord"], transition="reject")
    assert "A written reason is required" in page.body and status(number) == "baru"
    press(app, number, walidata["subkoord"], transition="reject",
          comment="Di luar kewenangan Pemkab")
    assert status(number) == "ditolak"
    assert "Di luar kewenangan Pemkab" in app.get("/permintaan-data/%s" % number).body


def test_deliver_a_published_dataset_from_the_page(app, walidata, dinkes):
    dataset = SdiDataset(name="tenaga-kesehatan", title="Tenaga Kesehatan per Kecamatan",
                         owner_org=dinkes["id"])
    number, token, _ = file_request(app)
    press(app, number, walidata["subkoord"], transition="assign",
          assignee=walidata["staf"]["name"])
    # not yet published: refused with the reason, nothing moves
    page = press(app, number, walidata["staf"], transition="deliver",
                 dataset="tenaga-kesehatan")
    assert "Only a published dataset can be linked" in page.body
    assert status(number) == "diperiksa"
    walk(dataset["id"], walidata)
    # a value typed into a field of another button does not get in the way
    press(app, number, walidata["staf"], transition="deliver", dataset="tenaga-kesehatan",
          organization="tidak-ada", comment="Sudah tersedia di portal.")
    assert status(number) == "selesai"
    public = app.get("/permintaan-data/%s" % number).body
    assert 'href="http://test.ckan.net/dataset/tenaga-kesehatan"' in public
    # the delivery message is the requester's; the public sees the dataset link
    assert "Sudah tersedia di portal." not in public
    mine = app.test_client().get("/permintaan-data/%s?token=%s" % (number, token)).body
    assert "Sudah tersedia di portal." in mine

# -- the public list and the lookup box --------------------------------------------------

def test_public_list_has_no_personal_data(app, walidata):
    first, _, _ = file_request(app)
    second, _, _ = file_request(app, email="joko@warga.example.org", name="Joko Widodo",
                                title="Produksi padi per kecamatan")
    for kwargs in ({}, {"headers": headers(walidata["subkoord"])}):
        page = app.get("/permintaan-data", status=200, **kwargs).body
        assert first in page and second in page and "Produksi padi" in page
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", page)
        for private in PRIVATE + ("Joko Widodo",):
            assert private not in page
    # filters
    page = app.get("/permintaan-data?q=padi").body
    assert second in page and first not in page
    page = app.get("/permintaan-data?status=selesai").body
    assert second not in page and first not in page


def test_public_list_pages(app):
    numbers = [helpers.call_action("satudata_request_create", context=as_user(None),
                                   **{k: v for k, v in FORM.items() if v})["number"]
               for _ in range(22)]
    page = app.get("/permintaan-data").body
    assert numbers[-1] in page and numbers[0] not in page  # newest first
    assert "page=2" in page
    page = app.get("/permintaan-data?page=2").body
    assert numbers[0] in page and numbers[-1] not in page


def test_lookup_box_goes_to_the_tracking_page(app):
    number, _, _ = file_request(app)
    page = app.get("/permintaan-data?number=%s" % number.lower(), follow_redirects=False)
    assert page.status_code == 302
    assert page.headers["Location"].endswith("/permintaan-data/%s" % number)
    page = app.get("/permintaan-data?number=PDS-1999-00001").body
    assert "No request has the number PDS-1999-00001" in page


# -- the Walidata board and the OPD inbox ------------------------------------------------

def test_board_is_for_the_walidata_team(app, walidata, dinkes, opd_user):
    number, _, _ = file_request(app)
    page = app.get("/satudata/permintaan", headers=headers(walidata["staf"]), status=200)
    assert number in page.body and FORM["title"] in page.body
    assert "/permintaan-data/%s" % number in page.body
    app.get("/satudata/permintaan", headers=headers(factories.User()), status=403)
    app.get("/satudata/permintaan", headers=headers(opd_user), status=403)
    page = app.get("/satudata/permintaan", follow_redirects=False)
    assert page.status_code == 302 and "/user/login" in page.headers["Location"]


def test_board_flags_overdue_and_shows_assignee(app, walidata):
    import datetime as dt
    import sqlalchemy as sa
    import ckan.model as model
    from ckanext.satudata.model import data_request as table
    late, _, _ = file_request(app, title="Permintaan terlambat")
    fresh, _, _ = file_request(app, title="Permintaan baru saja")
    press(app, late, walidata["subkoord"], transition="assign",
          assignee=walidata["staf"]["name"])
    model.Session.execute(sa.update(table).where(table.c.number == late).values(
        due_date=dt.date(2020, 1, 2),
        status_entered_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)))
    model.repo.commit()
    page = app.get("/satudata/permintaan", headers=headers(walidata["subkoord"])).body
    assert page.index(late) < page.index(fresh)  # closest deadline first
    row = re.search(r'<tr class="([^"]*)">\s*<td[^>]*><a href="/permintaan-data/%s"' % late,
                    page).group(1)
    assert "satudata-overdue" in row and "satudata-sla-overdue" in row
    assert walidata["staf"]["name"] in page
    mine = app.get("/satudata/permintaan?mine=1", headers=headers(walidata["staf"])).body
    assert late in mine and fresh not in mine
    only_new = app.get("/satudata/permintaan?status=baru",
                       headers=headers(walidata["staf"])).body
    assert fresh in only_new and late not in only_new


def test_opd_inbox_shows_only_its_own_organization(app, walidata, dinkes, opd_user):
    guru = factories.User(name="petugas-dispendik")
    factories.Organization(name="dispendik", title="Dinas Pendidikan",
                           users=[{"name": guru["name"], "capacity": "editor"}])
    health, _, _ = file_request(app, title="Jumlah puskesmas")
    school, _, _ = file_request(app, title="Jumlah sekolah dasar")
    unsent, _, _ = file_request(app, title="Belum dikirim ke OPD")
    for number, org in ((health, "dinkes"), (school, "dispendik")):
        helpers.call_action("satudata_request_transition", context=as_user(walidata["subkoord"]),
                            id=number, transition="assign", assignee=walidata["staf"]["name"])
        helpers.call_action("satudata_request_transition", context=as_user(walidata["staf"]),
                            id=number, transition="not_available")
        helpers.call_action("satudata_request_transition", context=as_user(walidata["subkoord"]),
                            id=number, transition="escalate", organization=org)

    page = app.get("/satudata/permintaan/opd", headers=headers(opd_user), status=200).body
    assert health in page and school not in page and unsent not in page
    assert "Dinas Kesehatan" in page
    page = app.get("/satudata/permintaan/opd", headers=headers(guru), status=200).body
    assert school in page and health not in page and unsent not in page
    # once the OPD has answered, the request leaves what waits for it
    press(app, school, guru, transition="opd_decline")
    page = app.get("/satudata/permintaan/opd", headers=headers(guru)).body
    waiting, others = page.split("Other requests sent to your agency")
    assert school in others and school not in waiting
    # not a member of any organization: no inbox
    app.get("/satudata/permintaan/opd", headers=headers(walidata["staf"]), status=403)
    page = app.get("/satudata/permintaan/opd", follow_redirects=False)
    assert page.status_code == 302 and "/user/login" in page.headers["Location"]


# -- navigation and language -------------------------------------------------------------

def test_navigation_links(app, walidata, dinkes, opd_user):
    page = app.get("/dataset").body
    assert 'href="/permintaan-data"' in page and "/satudata/permintaan" not in page
    page = app.get("/dataset", headers=headers(walidata["staf"])).body
    assert 'href="/permintaan-data"' in page and 'href="/satudata/permintaan"' in page
    assert 'href="/satudata/antrian-review"' in page  # workflow 1 keeps its link
    page = app.get("/dataset", headers=headers(opd_user)).body
    assert 'href="/satudata/permintaan/opd"' in page


def test_indonesian_and_english(app):
    page = app.get("/id/permintaan-data/baru", status=200).body
    assert "Nama lengkap" in page and "Ajukan permintaan" in page
    assert "Permintaan Data" in page and "Full name" not in page
    page = app.get("/en/permintaan-data/baru", status=200).body
    assert "Full name" in page and "Submit request" in page
    number, _, _ = file_request(app)
    page = app.get("/id/permintaan-data/%s" % number).body
    assert "Batas waktu jawaban" in page and "Baru" in page
    page = app.get("/id/permintaan-data").body
    assert "Lacak permintaan" in page
