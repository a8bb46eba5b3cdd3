"""Issue 23 on the public request pages, through CKAN's Flask app with the real
PostgreSQL and Redis: form errors in the page's one language with a summary
in form order, tied to their fields; long text counted, never cut, refused
over the limit with everything kept; the rate limit that counts per
requester (a kecamatan behind one address is not locked out) and says the
wait in minutes; "Permintaan saya", where a citizen lands after registering."""
import re
import uuid

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.i18n import Bilingual
from tests.helpers import as_user
from tests.requests.helpers import ANON, headers

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")
NO_LIMIT = pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")

FORM = {"name": "Siti Aminah", "email": "siti.aminah@warga.example.org", "phone": "",
        "institution": "", "identity_number": "", "title": "Jumlah posyandu per desa",
        "description": "Jumlah posyandu aktif per desa, 2024.", "purpose": "Skripsi",
        "format": "", "organization": "", "website": ""}
NUMBER = re.compile(r"PDS-\d{4}-\d{5}")
ERROR_BLOCK = re.compile(r'<p class="error-block[^"]*" id="(field-[a-z_-]+)-error">(.*?)</p>', re.S)


def count_requests():
    model.Session.remove()
    return helpers.call_action("satudata_request_list", limit=0)["count"]


def refusal(**overrides):
    """The action's own ValidationError for the form's input."""
    payload = {k: v for k, v in dict(FORM, **overrides).items() if v.strip()}
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("satudata_request_create", context=dict(ANON), **payload)
    model.Session.rollback()
    return e.value.error_dict


def shown_errors(body):
    return {field: " ".join(text.split()) for field, text in ERROR_BLOCK.findall(body)}


def summary_links(body):
    box = body[body.index('id="satudata-error-summary"'):].split("</div>")[0]
    return re.findall(r'<a href="#(field-[a-z_-]+)"', box), box


# -- errors in the page's language, summed up in form order -------------------------------

BAD = [{"email": "bukan-email"}, {"email": "a@b"}, {"name": "  "}, {"title": "x" * 201},
       {"phone": "telepon saya"}, {"identity_number": "12345"},
       {"organization": "tidak-ada-opd"}, {"description": "x" * 5001},
       {"purpose": "baris\x00kedua"}]


@NO_LIMIT
@pytest.mark.parametrize("overrides", BAD, ids=[next(iter(b)) + str(i) for i, b in enumerate(BAD)])
def test_each_error_in_the_page_language_alone(app, overrides):
    expected = refusal(**overrides)
    for prefix, lang, other in (("/id", "id", "en"), ("/en", "en", "id")):
        body = app.post(prefix + "/permintaan-data/baru", data=dict(FORM, **overrides),
                        status=200).body
        shown = shown_errors(body)
        for field, messages in expected.items():
            for message in messages:
                assert isinstance(message, Bilingual), message
                mine, theirs = message.in_language(lang), message.in_language(other)
                assert " ".join(mine.split()) in shown["field-" + field], (lang, shown)
                if theirs != mine:
                    assert theirs not in body, (lang, theirs)
                # the API's two-language text never reaches the page
                assert str(message) == mine or str(message) not in body
    assert count_requests() == 0


@NO_LIMIT
def test_summary_in_form_order_and_fields_tied_to_their_errors(app):
    form = dict(FORM, name="", description="", email="bukan-email", identity_number="12")
    body = app.post("/id/permintaan-data/baru", data=form, status=200).body
    links, box = summary_links(body)
    # the form's order, not the order the validators ran in
    assert links == ["field-name", "field-email", "field-identity_number", "field-description"]
    assert "data-satudata-focus" in body.split('id="satudata-error-summary"')[0][-300:] + box
    assert "Wajib diisi" in box and "Missing value" not in body
    for field in links:
        tag = re.search(r'<(?:input|textarea|select) id="%s"[^>]*>' % field, body).group(0)
        assert 'aria-invalid="true"' in tag, tag
        described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
        assert field + "-error" in described, tag
        for target in described:   # every id it names exists on the page
            assert 'id="%s"' % target in body, target
    # a field without an error is not marked
    title = re.search(r'<input id="field-title"[^>]*>', body).group(0)
    assert "aria-invalid" not in title
    # the request form's script file, no inline script (CSP script-src 'self')
    assert re.search(r'<script src="/webassets/satudata_theme/[^"]*request_form\.js"', body)
    assert not re.search(r"<script>(?!\s*</script>)", body)


@NO_LIMIT
def test_no_error_summary_on_a_fresh_form(app):
    body = app.get("/id/permintaan-data/baru", status=200).body
    assert "satudata-error-summary" not in body and 'aria-invalid' not in body


# -- long text: counted, never cut, refused with everything kept --------------------------

@NO_LIMIT
def test_long_text_is_counted_not_cut_and_refused_with_the_form_filled(app):
    body = app.get("/id/permintaan-data/baru", status=200).body
    for field, most in (("description", "5.000"), ("purpose", "2.000")):
        area = re.search(r'<textarea id="field-%s"[^>]*>' % field, body).group(0)
        assert "maxlength" not in area, area           # the browser cuts nothing
        assert "field-%s-count" % field in area        # the count is read with the field
        assert re.search(r'id="field-%s-count"[^>]*>\s*0 dari %s karakter' % (field, most), body)

    pasted = ("Jumlah posyandu aktif per desa. " * 180).strip()   # 5,759 characters
    page = app.post("/id/permintaan-data/baru", data=dict(FORM, description=pasted),
                    status=200).body
    assert count_requests() == 0
    shown = shown_errors(page)
    assert shown["field-description"] == "Terlalu panjang: %d karakter (maksimal 5000)" % len(pasted)
    assert pasted in page                              # every character comes back
    assert re.search(r'id="field-description-count"[^>]*>\s*5\.759 dari 5\.000 karakter: '
                     r'kelebihan 759', page), page[page.index("field-description-count"):][:400]
    # an API client reads both languages
    [message] = refusal(description=pasted)["description"]
    assert message == "Terlalu panjang: %d karakter (maksimal 5000) / Too long: %d characters " \
                      "(at most 5000)" % (len(pasted), len(pasted))


@NO_LIMIT
def test_a_line_break_counts_as_one_character_as_the_counter_shows(app):
    # 4,980 letters and 19 line breaks: 4,999 on the counter, 5,018 as a
    # browser sends it (CRLF)
    text = "\r\n".join(["x" * 249] * 20)
    assert len(text.replace("\r\n", "\n")) == 4999 and len(text) > 5000
    answer = app.post("/permintaan-data/baru", data=dict(FORM, description=text),
                      follow_redirects=False)
    assert answer.status_code == 302, shown_errors(answer.body)
    [row] = helpers.call_action("satudata_request_list", limit=1)["results"]
    assert row["description"] == text.replace("\r\n", "\n")


# -- the objection form --------------------------------------------------------------------

@pytest.fixture
def rejected(app, walidata):
    """A request filed through the form in a browser of its own (the session
    holds the token), rejected by the Subkoord."""
    browser = app.test_client()
    page = browser.post("/permintaan-data/baru", data=FORM, follow_redirects=True)
    number = NUMBER.search(page.body).group(0)
    helpers.call_action("satudata_request_transition", context=as_user(walidata["subkoord"]),
                        id=number, transition="reject", comment="Informasi dikecualikan",
                        reason="dikecualikan")
    model.repo.commit()
    return browser, number


@NO_LIMIT
def test_a_refused_objection_comes_back_with_its_errors_and_reasons(app, rejected):
    browser, number = rejected
    url = "/id/permintaan-data/%s/keberatan" % number
    reasons = "Data ini tidak termasuk informasi yang dikecualikan.\r\nMohon ditinjau."
    page = browser.post(url, data={"ground": "bukan-alasan", "reason": reasons})
    assert page.status_code == 200
    body = page.body
    links, box = summary_links(body)
    assert links == ["field-objection-ground"], box
    select = re.search(r'<select id="field-objection-ground"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in select and "field-objection-ground-error" in select
    assert "Invalid value" not in body and "Nilai tidak valid" in box
    assert reasons.replace("\r\n", "\n") in body        # nothing typed is lost
    assert re.search(r'id="field-objection-reason-count"[^>]*>\s*\d+ dari 5\.000 karakter', body)
    # a ground the rules refuse for this request: said in the summary, in Indonesian alone
    body = browser.post(url, data={"ground": "tidak_lengkap", "reason": reasons}).body
    links, box = summary_links(body)
    assert links == [] and "tidak dapat diajukan" in box and "not possible" not in body
    assert reasons.replace("\r\n", "\n") in body
    # no reason: the reason field is the one marked
    body = browser.post(url, data={"ground": "ditolak", "reason": ""}).body
    links, box = summary_links(body)
    assert links == ["field-objection-reason"] and "Wajib diisi" in box
    assert re.search(r'<option value="ditolak" selected>', body)
    # corrected, it is filed
    done = browser.post(url, data={"ground": "ditolak", "reason": reasons},
                        follow_redirects=False)
    assert done.status_code == 302
    shown = helpers.call_action("satudata_request_show", id=number)
    assert [o["status"] for o in shown["objections"]] == ["diajukan"]


# -- the rate limit: per requester, a ceiling per address ---------------------------------

def _file(app, email, env, prefix=""):
    return app.post(prefix + "/permintaan-data/baru", data=dict(FORM, email=email),
                    extra_environ=env, follow_redirects=False)


def test_one_address_many_requesters_one_requester_over_the_limit(app, walidata):
    """A warnet: six people, one address, each under the default limit (5);
    the same email a sixth time is refused, the wait in minutes."""
    env = {"REMOTE_ADDR": "198.51.100.%d" % (uuid.uuid4().int % 250 + 1)}
    neighbours = ["warga%d@warga.example.org" % i for i in range(6)]
    for email in neighbours:
        assert _file(app, email, env).status_code == 302, email
    assert count_requests() == 6
    for _ in range(4):
        assert _file(app, neighbours[0], env).status_code == 302
    refused = _file(app, neighbours[0], env, prefix="/id")
    assert refused.status_code == 429
    seconds = int(refused.headers["Retry-After"])
    minutes = -(-seconds // 60)
    assert 55 <= minutes <= 60, seconds
    assert "coba lagi dalam %d menit" % minutes in refused.body
    assert "detik" not in refused.body and "Too many" not in refused.body
    assert 'value="%s"' % FORM["title"] in refused.body   # the form, filled in
    # in English at /en/, English alone
    english = _file(app, neighbours[0].upper(), env, prefix="/en")
    assert english.status_code == 429
    assert "try again in %d minutes" % minutes in english.body
    assert "Terlalu banyak" not in english.body
    # the same person from their phone's network is still that person
    assert _file(app, neighbours[0], {"REMOTE_ADDR": "203.0.113.7"}).status_code == 429
    # and a seventh neighbour is served
    assert _file(app, "warga7@warga.example.org", env).status_code == 302
    assert count_requests() == 11


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit_per_address", "3")
def test_the_address_ceiling_stops_a_flood(app, walidata):
    env = {"REMOTE_ADDR": "192.0.2.%d" % (uuid.uuid4().int % 250 + 1)}
    for i in range(3):
        assert _file(app, "bot%d@spam.example.org" % i, env).status_code == 302
    flood = _file(app, "bot9@spam.example.org", env, prefix="/id")
    assert flood.status_code == 429
    assert re.search(r"Terlalu banyak permintaan dari jaringan Anda; coba lagi dalam \d+ menit",
                     flood.body)
    api = app.post("/api/3/action/satudata_request_create", extra_environ=env,
                   json=dict(FORM, email="bot10@spam.example.org"))
    assert api.status_code == 429
    assert "jaringan Anda" in api.json["error"]["message"]
    assert "your network" in api.json["error"]["message"]
    assert count_requests() == 3


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "2")
def test_an_account_counts_whatever_email_it_types(app, walidata):
    user = factories.User()
    auth = headers(user)
    for i in range(2):
        answer = app.post("/permintaan-data/baru", headers=auth, follow_redirects=False,
                          data=dict(FORM, email="alamat%d@warga.example.org" % i))
        assert answer.status_code == 302
    answer = app.post("/permintaan-data/baru", headers=auth, follow_redirects=False,
                      data=dict(FORM, email="alamat9@warga.example.org"))
    assert answer.status_code == 429


@NO_LIMIT
def test_the_redis_keys_name_no_email(app, walidata):
    from ckan.lib.redis import connect_to_redis
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(tk.config, "ckanext.satudata.request_rate_limit", "5")
        assert _file(app, FORM["email"], {}).status_code == 302
    keys = [k.decode() for k in connect_to_redis().keys("satudata:*:ratelimit:*")]
    assert any(":email:" in k for k in keys), keys
    assert not any("warga.example.org" in k for k in keys), keys


# -- "Permintaan saya" -------------------------------------------------------------------

@NO_LIMIT
def test_my_requests_lists_the_accounts_own_requests_only(app, walidata):
    budi = factories.User(fullname="Budi")
    other = factories.User()
    mine = app.post("/permintaan-data/baru", headers=headers(budi), follow_redirects=True,
                    data=dict(FORM, title="Data milik Budi"))
    number = NUMBER.search(mine.body).group(0)
    app.post("/permintaan-data/baru", headers=headers(other), data=dict(FORM, title="Data orang lain"))
    app.post("/permintaan-data/baru", data=dict(FORM, title="Data tanpa akun"))
    page = app.get("/id/permintaan-data/saya", headers=headers(budi), status=200)
    assert "Permintaan saya" in page.body and number in page.body
    assert "Data milik Budi" in page.body
    assert "Data orang lain" not in page.body and "Data tanpa akun" not in page.body
    assert "no-store" in page.headers["Cache-Control"]
    # the API's `mine`: none for an anonymous caller
    assert helpers.call_action("satudata_request_list", context=dict(ANON),
                               mine=True)["count"] == 0
    assert helpers.call_action("satudata_request_list", context=as_user(budi),
                               mine=True)["count"] == 1
    # an empty list says how to ask
    empty = app.get("/id/permintaan-data/saya", headers=headers(factories.User()), status=200)
    assert "Anda belum pernah meminta data" in empty.body
    assert 'href="/id/permintaan-data/baru"' in empty.body or \
        'href="/permintaan-data/baru"' in empty.body
    # the list of all requests leads a logged-in person to theirs
    assert "/permintaan-data/saya" in app.get("/id/permintaan-data", headers=headers(budi)).body
    assert "/permintaan-data/saya" not in app.get("/id/permintaan-data").body
    # nobody logged in: the login page
    assert "/user/login" in app.get("/permintaan-data/saya", follow_redirects=False).location


@pytest.mark.ckan_config("ckan.auth.create_user_via_web", True)   # as config/ckan.ini.template
def test_a_citizen_who_registers_lands_on_their_requests(app):
    browser = app.test_client()
    answer = browser.post("/user/register", data={
        "name": "warga-baru", "fullname": "Warga Baru", "email": "warga.baru@example.org",
        "password1": "Warga-Banyuwangi-2026", "password2": "Warga-Banyuwangi-2026",
        "save": ""}, follow_redirects=False)
    seen = []
    while answer.status_code in (302, 303) and len(seen) < 5:
        seen.append(answer.location.split("?")[0])
        answer = browser.get(answer.location, follow_redirects=False)
    assert seen and seen[-1].endswith("/permintaan-data/saya"), seen
    assert answer.status_code == 200 and "satudata-request-mine" in answer.body
