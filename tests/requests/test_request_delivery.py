"""Workflow 2 under abuse and outage (SPEC "Workflow 2": anonymous submissions
withstand abuse and lose nothing): notifications delivered by CKAN's real RQ
worker to a real SMTP server (aiosmtpd), the outbox while Redis is down, the
per-address rate limit, input validation and concurrent submissions.

Real stack throughout: PostgreSQL, Redis, RQ worker (forking, burst mode) and
SMTP; nothing in the mail or job layer is mocked."""
import contextlib
import socket
import threading

import pytest
import sqlalchemy as sa

import ckan.lib.jobs as jobs
import ckan.lib.redis as ckan_redis
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.workflow import clock
from ckanext.satudata.notifications import outbox as notify
from ckanext.satudata.model import data_request as dr_table
from ckanext.satudata.model import outbox

from tests.helpers import as_user, free_port, run_worker
from tests.requests.helpers import SITI

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")

API = "/api/3/action/satudata_request_create"
REQUESTER = SITI
PRIVATE = (REQUESTER["email"], REQUESTER["phone"], REQUESTER["identity_number"])


@contextlib.contextmanager
def redis_down(ckan_config):
    """Point CKAN at a closed port and drop its cached pool and queues."""
    saved = (ckan_config.get("ckan.redis.url"), ckan_redis._connection_pool, jobs._queues)
    ckan_config["ckan.redis.url"] = "redis://127.0.0.1:1/0"
    ckan_redis._connection_pool = None
    jobs._queues = {}
    try:
        yield
    finally:
        ckan_config["ckan.redis.url"] = saved[0]
        ckan_redis._connection_pool = saved[1]
        jobs._queues = saved[2]


def anonymous():
    return {"user": "", "ignore_auth": False}


def file_request(**overrides):
    return helpers.call_action("satudata_request_create", context=anonymous(),
                               **dict(REQUESTER, **overrides))


def move(user, ref, transition, **kw):
    return helpers.call_action("satudata_request_transition", context=as_user(user),
                               id=ref, transition=transition, **kw)


def request_rows():
    return model.Session.execute(sa.select(dr_table.c.number)
                                 .order_by(dr_table.c.number)).scalars().all()


def outbox_rows():
    return model.Session.execute(sa.select(outbox).order_by(outbox.c.id)).all()


def assert_private(sink, requester_email=REQUESTER["email"]):
    """No mail to anyone but the requester carries the requester's contact details."""
    for m in sink.messages:
        if m["to"] == [requester_email]:
            continue
        for secret in PRIVATE:
            assert secret not in m["body"] and secret not in m["subject"], \
                "mail to %s leaks %r" % (m["to"], secret)


# -- a. notifications end to end ---------------------------------------------------------

@pytest.fixture
def opd_with_member(satudata_db):
    member = factories.User(name="petugas-dinkes", email="petugas@dinkes.example.org")
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan",
                                 contact_email="data@dinkes.example.org",
                                 users=[{"name": member["name"], "capacity": "editor"}])
    return org, member


def test_notifications_through_the_real_worker(smtp_sink, walidata, opd_with_member):
    org, opd_member = opd_with_member
    staf, subkoord = walidata["staf"], walidata["subkoord"]
    assert staf["email"] and subkoord["email"]

    created = file_request()
    number, token = created["number"], created["access_token"]
    # nothing is mailed in the request itself: the worker does it
    assert smtp_sink.messages == []
    run_worker()

    mine = smtp_sink.to(REQUESTER["email"])
    assert len(mine) == 1
    assert number in mine[0]["subject"] and number in mine[0]["body"]
    assert created["tracking_url"] in mine[0]["body"]
    assert "/permintaan-data/%s" % number in created["tracking_url"]
    assert token in mine[0]["body"]
    assert mine[0]["from"] == "portal@satudata.example.org"
    new = smtp_sink.to(subkoord["email"])
    assert len(new) == 1 and number in new[0]["subject"]
    assert "Menunggu Anda" in new[0]["subject"] and "10 menit" in new[0]["subject"]
    assert token not in new[0]["body"]
    # Staf and Kabid are not disturbed by a new request
    assert smtp_sink.to(staf["email"]) == [] and smtp_sink.to(walidata["kabid"]["email"]) == []
    assert notify.pending_count() == 0

    # assign: the Staf gets the task; an internal step mails the requester nothing
    move(subkoord, number, "assign", assignee=staf["name"])
    run_worker()
    task = smtp_sink.to(staf["email"])
    assert len(task) == 1 and number in task[0]["subject"]
    assert "Menunggu Anda" in task[0]["subject"] and "30 menit" in task[0]["subject"]
    assert len(smtp_sink.to(REQUESTER["email"])) == 1

    # not available at the Walidata: the Subkoord contacts the agency
    move(staf, number, "not_available")
    run_worker()
    assert len(smtp_sink.to(REQUESTER["email"])) == 1
    assert len(smtp_sink.to(subkoord["email"])) == 2

    # escalate: the OPD's members and its contact address get the task
    move(subkoord, number, "escalate", organization=org["name"])
    run_worker()
    for address in (opd_member["email"], "data@dinkes.example.org"):
        to_opd = smtp_sink.to(address)
        assert len(to_opd) == 1, address
        assert number in to_opd[0]["subject"] and REQUESTER["title"] in to_opd[0]["body"]
    assert len(smtp_sink.to(REQUESTER["email"])) == 1

    # the OPD has nothing: the Subkoord is told; the requester hears the answer
    move(opd_member, number, "opd_decline")
    run_worker()
    assert len(smtp_sink.to(subkoord["email"])) == 3
    move(subkoord, number, "close_unavailable", comment="Data belum pernah dikumpulkan")
    run_worker()
    mine = smtp_sink.to(REQUESTER["email"])
    assert len(mine) == 2
    assert "Data belum pernah dikumpulkan" in mine[-1]["body"]

    # nobody but the requester ever sees the requester's contact details
    assert_private(smtp_sink)
    assert smtp_sink.recipients() == {
        REQUESTER["email"], subkoord["email"], staf["email"], opd_member["email"],
        "data@dinkes.example.org"}
    assert notify.pending_count() == 0
    assert all(r.sent_at is not None and r.attempts == 1 for r in outbox_rows())


@pytest.mark.ckan_config("ckanext.satudata.outbox_retry_base", "0")  # retry at once
def test_smtp_down_keeps_mails_for_the_next_run(smtp_sink, walidata, ckan_config,
                                                monkeypatch):
    good = ckan_config["smtp.server"]
    monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:%d" % free_port())
    file_request()
    run_worker()      # the job runs, the mails fail, the job itself does not
    assert smtp_sink.messages == []
    assert notify.pending_count() == 2
    assert all(r.attempts == 1 and r.last_error for r in outbox_rows())
    monkeypatch.setitem(ckan_config, "smtp.server", good)
    assert notify.deliver_outbox() == {"sent": 2, "failed": 0}
    assert notify.pending_count() == 0
    assert len(smtp_sink.to(REQUESTER["email"])) == 1


# -- b. Redis down: the outbox ---------------------------------------------------------

def test_redis_down_submission_saved_and_mailed_later(smtp_sink, walidata, ckan_config):
    with redis_down(ckan_config):
        assert notify.dispatch() is False   # really unreachable
        created = file_request()
        assert created["number"].startswith("PDS-") and created["access_token"]
    # committed to PostgreSQL, seen from a fresh session
    model.Session.remove()
    assert request_rows() == [created["number"]]
    pending = outbox_rows()
    assert {r.recipient for r in pending} == {REQUESTER["email"],
                                             walidata["subkoord"]["email"]}
    assert all(r.sent_at is None for r in pending)
    assert notify.pending_count() == 2
    assert smtp_sink.messages == []

    # Redis is back: the next submission's job sends the waiting mails too
    second = file_request(email="budi@warga.example.org", title="Data kemiskinan")
    run_worker()
    assert notify.pending_count() == 0
    mails = smtp_sink.to(REQUESTER["email"])
    assert len(mails) == 1 and created["number"] in mails[0]["subject"]
    assert created["access_token"] in mails[0]["body"]
    assert len(smtp_sink.to("budi@warga.example.org")) == 1
    subkoord_mails = smtp_sink.to(walidata["subkoord"]["email"])
    assert sorted(created["number"] in m["subject"] or second["number"] in m["subject"]
                  for m in subkoord_mails) == [True, True]
    assert_private(smtp_sink)


def test_redis_down_transition_mails_flushed_by_deliver_outbox(smtp_sink, walidata,
                                                               ckan_config):
    created = file_request()
    run_worker()
    with redis_down(ckan_config):
        move(walidata["subkoord"], created["number"], "assign",
             assignee=walidata["staf"]["name"])
    assert notify.pending_count() == 1   # the Staf's task; nothing to the requester
    assert smtp_sink.to(walidata["staf"]["email"]) == []
    assert notify.deliver_outbox() == {"sent": 1, "failed": 0}
    assert notify.pending_count() == 0
    assert len(smtp_sink.to(walidata["staf"]["email"])) == 1
    assert len(smtp_sink.to(REQUESTER["email"])) == 1


def test_redis_down_http_api_accepts(app, smtp_sink, walidata, ckan_config):
    with redis_down(ckan_config):
        res = app.post(API, json=REQUESTER)
        assert res.status_code == 200, res.body
        result = res.json["result"]
        assert result["number"].startswith("PDS-") and result["access_token"]
        # over the configured limit too: the limiter fails open
        for _ in range(6):
            assert app.post(API, json=REQUESTER).status_code == 200
    model.Session.remove()
    assert len(request_rows()) == 7
    assert notify.pending_count() == 14
    notify.deliver_outbox()
    assert notify.pending_count() == 0
    assert len(smtp_sink.to(REQUESTER["email"])) == 7


# -- c. rate limit -----------------------------------------------------------------------

@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "3")
def test_rate_limit_per_email(app, walidata):
    numbers = []
    for _ in range(3):
        res = app.post(API, json=REQUESTER)
        assert res.status_code == 200, res.body
        numbers.append(res.json["result"]["number"])
    res = app.post(API, json=REQUESTER)
    assert res.status_code == 429
    assert res.json["success"] is False
    message = res.json["error"]["message"]
    # an API client has no page language: both, the wait in minutes (issue 23)
    assert "Terlalu banyak" in message and "Too many requests" in message
    retry = int(res.headers["Retry-After"])
    assert 0 < retry <= 3600
    minutes = -(-retry // 60)
    assert "%d menit" % minutes in message and "%d minute" % minutes in message
    # the other API path counts for the same email
    assert app.post("/api/action/satudata_request_create", json=REQUESTER).status_code == 429
    # so does the same mailbox however it is spelt
    spelt = dict(REQUESTER, email="  " + REQUESTER["email"].upper().replace("@", "+lagi@"))
    assert app.post(API, json=spelt).status_code == 429
    model.Session.remove()
    assert request_rows() == sorted(numbers)

    # the same email from another address is still limited: it is the requester
    res = app.post(API, json=REQUESTER, extra_environ={"REMOTE_ADDR": "10.0.0.2"})
    assert res.status_code == 429, res.body
    # another requester from the same address is not (CGNAT, campus, warnet)
    res = app.post(API, json=dict(REQUESTER, email="tetangga@warga.example.org"))
    assert res.status_code == 200, res.body
    assert len(request_rows()) == 4
    # other actions from the limited address are not affected
    assert app.get("/api/3/action/satudata_request_list").status_code == 200


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "3")
def test_rate_limit_on_the_public_form(app, walidata):
    form = dict(REQUESTER)
    for _ in range(3):
        assert app.post("/permintaan-data/baru", data=form).status_code != 429
    res = app.post("/permintaan-data/baru", data=form)
    assert res.status_code == 429
    # the page's one language (test.ini: English), the wait in minutes
    assert "Too many requests from this email address" in res.body
    assert "Terlalu banyak" not in res.body and "minute" in res.body
    assert int(res.headers["Retry-After"]) > 0
    # the form and the API share one budget per requester
    assert app.post(API, json=REQUESTER).status_code == 429
    model.Session.remove()
    assert len(request_rows()) == 3


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "2")
@pytest.mark.ckan_config("ckanext.satudata.request_rate_window", "1")
def test_rate_limit_window_expires(app, walidata):
    import time
    for _ in range(2):
        assert app.post(API, json=REQUESTER).status_code == 200
    assert app.post(API, json=REQUESTER).status_code == 429
    time.sleep(2.1)
    assert app.post(API, json=REQUESTER).status_code == 200


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
def test_rate_limit_zero_turns_it_off(app, walidata):
    for _ in range(7):
        assert app.post(API, json=REQUESTER).status_code == 200


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "1")
@pytest.mark.parametrize("path", [
    "/api/3/action/satudata_request_create/",
    "/api/3/action/satudata_request_create?x=1",
    "/id/api/3/action/satudata_request_create",
    "/en/api/action/satudata_request_create",
    "//api/3/action/satudata_request_create",
])
def test_rate_limit_not_bypassed_by_path_variants(app, walidata, path):
    assert app.post(API, json=REQUESTER).status_code == 200
    res = app.post(path, json=REQUESTER)
    # refused one way or another, but never a second request saved
    assert res.status_code != 200 or res.json.get("success") is not True, \
        "%s bypasses the rate limit" % path
    model.Session.remove()
    assert len(request_rows()) == 1


# -- d. validation -----------------------------------------------------------------------

BAD_INPUTS = [
    ("name", {"name": None}),
    ("name", {"name": "   "}),
    ("email", {"email": None}),
    ("title", {"title": None}),
    ("description", {"description": None}),
    ("purpose", {"purpose": None}),
    ("email", {"email": "bukan-email"}),
    ("email", {"email": "a@b"}),
    ("email", {"email": "x" * 250 + "@example.org"}),
    ("title", {"title": "x" * 201}),
    ("name", {"name": "x" * 201}),
    ("description", {"description": "x" * 5001}),
    ("purpose", {"purpose": "x" * 2001}),
    ("phone", {"phone": "telepon saya"}),
    ("phone", {"phone": "12"}),
    ("identity_number", {"identity_number": "351001010190"}),
    ("identity_number", {"identity_number": "35100101019000012"}),
    ("identity_number", {"identity_number": "351001010190000x"}),
    ("organization", {"organization": "tidak-ada-opd"}),
    ("website", {"website": "http://spam.example.com"}),
]


def _payload(overrides):
    data = dict(REQUESTER, **overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("field, overrides", BAD_INPUTS,
                         ids=["%s-%d" % (f, i) for i, (f, _) in enumerate(BAD_INPUTS)])
def test_bad_input_is_a_validation_error(walidata, field, overrides):
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("satudata_request_create", context=anonymous(),
                            **_payload(overrides))
    assert field in e.value.error_dict
    assert all(" / " in m for m in e.value.error_dict[field])   # bilingual
    model.Session.rollback()
    assert request_rows() == []
    assert outbox_rows() == []


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
@pytest.mark.parametrize("field, overrides", BAD_INPUTS,
                         ids=["%s-%d" % (f, i) for i, (f, _) in enumerate(BAD_INPUTS)])
def test_bad_input_via_api_is_409(app, walidata, field, overrides):
    res = app.post(API, json=_payload(overrides))
    assert res.status_code == 409, res.body
    assert res.json["error"]["__type"] == "Validation Error"
    assert field in res.json["error"]
    model.Session.remove()
    assert request_rows() == []


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
@pytest.mark.parametrize("overrides", [
    {"title": ["a", "b"]},
    {"title": {"x": 1}},
    {"email": 12345},
    {"phone": 628123456789},
    {"organization": ["dinkes"]},
    # PostgreSQL refuses NUL characters and psycopg2 lone surrogates: the
    # schema refuses them first
    {"name": "Siti\x00Rahayu"},
    {"description": "baris\x00kedua"},
    {"title": "\ud800"},
])
def test_odd_types_never_a_500(app, walidata, overrides):
    """JSON lets a client send anything; the answer is 200 or 409, never 500."""
    res = app.post(API, json=_payload(overrides))
    assert res.status_code in (200, 409), (res.status_code, res.body[:500])


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
def test_form_encoded_and_empty_bodies(app, walidata):
    assert app.post(API, data=REQUESTER).status_code == 200
    assert app.post(API, data={}).status_code == 409
    assert app.post(API, json={}).status_code == 409
    model.Session.remove()
    assert len(request_rows()) == 1


# -- e. concurrency ----------------------------------------------------------------------

def test_concurrent_submissions_get_distinct_gap_free_numbers(app, walidata):
    n = 8
    barrier = threading.Barrier(n)
    results, errors = [], []
    lock = threading.Lock()

    def submit(i):
        # each thread is its own web request: its own request context and session
        with app.flask_app.test_request_context():
            try:
                barrier.wait(timeout=30)
                result = helpers.call_action(
                    "satudata_request_create", context={"user": "", "ignore_auth": False},
                    **dict(REQUESTER, title="Permintaan %d" % i))
                with lock:
                    results.append(result)
            except Exception as e:  # collected and reported below
                with lock:
                    errors.append(repr(e))
            finally:
                model.Session.remove()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(results) == n
    year = clock.now().astimezone(clock.WIB).year
    expected = ["PDS-%d-%05d" % (year, i) for i in range(1, n + 1)]
    assert sorted(r["number"] for r in results) == expected
    assert len({r["id"] for r in results}) == n
    assert len({r["access_token"] for r in results}) == n
    model.Session.remove()
    assert request_rows() == expected
    # every submission queued its two mails
    assert notify.pending_count() == 2 * n


def test_a_rejected_submission_gives_its_number_back(walidata):
    first = file_request()
    with pytest.raises(tk.ValidationError):
        file_request(email="salah")
    model.Session.rollback()
    second = file_request()
    year = clock.now().astimezone(clock.WIB).year
    assert [first["number"], second["number"]] == ["PDS-%d-00001" % year,
                                                   "PDS-%d-00002" % year]


# -- robustness of the outbox and the limiter ----------------------------------------------

@pytest.mark.ckan_config("ckanext.satudata.outbox_retry_base", "0")  # retry at once
def test_one_bad_row_never_blocks_the_outbox(smtp_sink, satudata_db):
    """A row that makes the mail layer raise something other than MailerException
    (here a recipient with a line feed) is counted as a failed attempt; the rows
    before it are not sent again and the rows after it are sent."""
    notify.queue("test", ["a@example.org"], "satu", "isi")
    notify.queue("test", ["data@dinkes.example.org\n"], "dua", "isi")
    notify.queue("test", ["c@example.org"], "tiga", "isi")
    model.Session.commit()
    assert notify.deliver_outbox() == {"sent": 2, "failed": 1}
    assert notify.deliver_outbox() == {"sent": 0, "failed": 1}
    assert [m["to"] for m in smtp_sink.messages] == [["a@example.org"], ["c@example.org"]]
    bad = [r for r in outbox_rows() if r.sent_at is None]
    assert len(bad) == 1 and bad[0].attempts == 2 and "linefeed" in bad[0].last_error


def test_a_bad_recipient_does_not_stop_the_worker(smtp_sink, walidata):
    """A recipient the mail layer refuses (here a line feed smuggled in before
    validation stripped it) fails alone; the other mails still go."""
    member = factories.User(name="petugas-dinsos", email="petugas@dinsos.example.org")
    org = factories.Organization(name="dinsos", contact_email="data@dinsos.example.org\n",
                                 users=[{"name": member["name"], "capacity": "editor"}])
    shown = helpers.call_action("organization_show", id=org["id"])
    assert shown["contact_email"] == "data@dinsos.example.org"  # validation strips it
    created = file_request()
    notify.queue("test_bad_recipient", ["bad@example.org\nBcc: x@example.org"], "s", "b",
                 created["id"])
    model.Session.commit()
    move(walidata["subkoord"], created["number"], "assign", assignee=walidata["staf"]["name"])
    move(walidata["staf"], created["number"], "not_available")
    move(walidata["subkoord"], created["number"], "escalate", organization=org["name"])
    run_worker()
    assert len(smtp_sink.to(member["email"])) == 1
    assert len(smtp_sink.to("data@dinsos.example.org")) == 1
    assert len(smtp_sink.to(REQUESTER["email"])) == 1   # the receipt; the rest is internal
    assert notify.pending_count() == 1


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "3")
@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit_per_address", "3")
@pytest.mark.ckan_config("ckanext.satudata.request_rate_window", "600")
@pytest.mark.parametrize("who", ["address", "email"])
def test_a_counter_without_expiry_does_not_lock_out_for_good(app, walidata, who):
    """A counter that lost its expiry (a crash between INCR and EXPIRE) gets one."""
    redis = ckan_redis.connect_to_redis()
    from ckanext.satudata.requests.ratelimit import _digest, _key, mailbox
    key = _key("addr:127.0.0.1") if who == "address" else \
        _key("email:%s" % _digest(mailbox(REQUESTER["email"])))
    redis.set(key, 10)
    assert redis.ttl(key) == -1
    res = app.post(API, json=REQUESTER)
    assert res.status_code == 429
    assert 0 < int(res.headers["Retry-After"]) <= 600
    assert 0 < redis.ttl(key) <= 600


@pytest.fixture
def hung_redis(ckan_config):
    """A Redis that accepts connections and never answers (hung, or a firewall)."""
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(64)
    saved = (ckan_config.get("ckan.redis.url"), ckan_redis._connection_pool, jobs._queues)
    ckan_config["ckan.redis.url"] = "redis://127.0.0.1:%d/0" % hung.getsockname()[1]
    ckan_redis._connection_pool = None
    jobs._queues = {}
    yield
    hung.close()   # resets the waiting connections: nothing stays blocked
    ckan_config["ckan.redis.url"] = saved[0]
    ckan_redis._connection_pool = saved[1]
    jobs._queues = saved[2]


def test_a_hung_redis_does_not_hang_a_submission(app, walidata, hung_redis):
    import time
    out = {}

    def submit():
        started = time.monotonic()
        try:
            res = app.post(API, json=REQUESTER)
            out.update(status=res.status_code, number=res.json["result"]["number"])
        finally:
            out["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=submit, daemon=True)
    thread.start()
    thread.join(15)
    assert not thread.is_alive(), "the submission hangs while Redis does not answer"
    assert out["status"] == 200 and out["number"].startswith("PDS-")
    assert out["seconds"] < 10
    model.Session.remove()
    assert request_rows() == [out["number"]]
    assert notify.pending_count() == 2


# -- the limit counts what it should, for whom it should -----------------------------------

@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "2")
def test_refused_submissions_do_not_count(app, walidata):
    """Four typos do not lock a citizen out: only accepted submissions count."""
    for _ in range(4):
        res = app.post(API, json=dict(REQUESTER, email="bukan-email"))
        assert res.status_code == 409
        page = app.post("/permintaan-data/baru", data=dict(REQUESTER, email="salah"))
        assert page.status_code == 200
    assert app.post(API, json=REQUESTER).status_code == 200
    assert app.post("/permintaan-data/baru", data=REQUESTER,
                    follow_redirects=False).status_code == 302
    assert app.post(API, json=REQUESTER).status_code == 429
    model.Session.remove()
    assert len(request_rows()) == 2


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "1")
def test_logged_in_users_are_limited_per_account(app, walidata):
    """Two citizens behind one school's address each have their budget; an
    account's budget holds whatever email it types."""
    from ckan.tests import factories
    tokens = [factories.APIToken(user=factories.User()["name"])["token"] for _ in range(2)]
    for i, token in enumerate(tokens):
        assert app.post(API, json=dict(REQUESTER, email="murid%d@sekolah.example.org" % i),
                        headers={"Authorization": token}).status_code == 200
    assert app.post(API, json=dict(REQUESTER, email="lain@sekolah.example.org"),
                    headers={"Authorization": tokens[0]}).status_code == 429
    # anonymous use of the same address has its own budget too
    assert app.post(API, json=REQUESTER).status_code == 200


# The address alone (the per-requester limit off): which address counts.
@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit_per_address", "1")
def test_forwarded_for_is_ignored_without_a_trusted_proxy(app, walidata):
    assert app.post(API, json=REQUESTER,
                    headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    # a forged header does not buy a new budget
    assert app.post(API, json=dict(REQUESTER, email="lain@warga.example.org"),
                    headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 429


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit_per_address", "1")
@pytest.mark.ckan_config("ckanext.satudata.trusted_proxy_count", "1")
def test_behind_one_trusted_proxy_each_client_counts_apart(app, walidata):
    for client in ("203.0.113.1", "203.0.113.2"):
        assert app.post(API, json=REQUESTER,
                        headers={"X-Forwarded-For": client}).status_code == 200
    assert app.post(API, json=REQUESTER,
                    headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429


@pytest.mark.ckan_config("ckan.max_resource_size", "1")
def test_request_uploads_are_bounded(app, walidata):
    """A request file larger than ckan.max_resource_size is refused with a
    clear error; a body far beyond it is refused before it is read (413)."""
    import io
    from werkzeug.datastructures import FileStorage
    created = file_request()
    move(walidata["subkoord"], created["id"], "assign", assignee=walidata["staf"]["name"])
    too_big = FileStorage(io.BytesIO(b"x" * (1024 * 1024 + 1)), filename="besar.csv")
    with pytest.raises(tk.ValidationError) as err:
        move(walidata["staf"], created["id"], "deliver", upload=too_big)
    assert "1 MB" in str(err.value.error_dict["upload"])
    res = app.post("/api/3/action/satudata_request_create", data=b"x" * (3 * 1024 * 1024),
                   content_type="application/json")
    assert res.status_code == 413


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
def test_request_files_go_to_the_declared_private_storage(walidata, ckan_config, monkeypatch,
                                                          tmp_path):
    """Request files live in the declared private path (never CKAN's public
    /uploads, never /tmp); with no storage configured a file is refused (400)
    and the request does not move."""
    import io
    from werkzeug.datastructures import FileStorage
    private = tmp_path / "private"
    monkeypatch.setitem(ckan_config, "ckanext.satudata.request_storage_path", str(private))
    created = file_request()
    move(walidata["subkoord"], created["id"], "assign", assignee=walidata["staf"]["name"])
    move(walidata["staf"], created["id"], "deliver",
         upload=FileStorage(io.BytesIO(b"desa,jiwa\nA,1\n"), filename="hasil.csv"))
    stored = [f for f in private.rglob("*") if f.is_file()]
    assert [f.read_bytes() for f in stored] == [b"desa,jiwa\nA,1\n"]
    assert stored[0].parent.name == created["id"]

    other = file_request(title="Data lain")
    move(walidata["subkoord"], other["id"], "assign", assignee=walidata["staf"]["name"])
    monkeypatch.setitem(ckan_config, "ckanext.satudata.request_storage_path", "")
    monkeypatch.setitem(ckan_config, "ckan.storage_path", "")
    with pytest.raises(tk.ValidationError) as err:
        move(walidata["staf"], other["id"], "deliver",
             upload=FileStorage(io.BytesIO(b"x\n"), filename="x.csv"))
    assert "storage" in " ".join(err.value.error_dict["upload"])
    model.Session.rollback()
    assert helpers.call_action("satudata_request_show", id=other["id"])["status"] == "diperiksa"
