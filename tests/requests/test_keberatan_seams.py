"""Issue 22: a keberatan filed twice at once is one objection, and whoever
took the answer objected to never decides the objection. Real actions,
real PostgreSQL connections racing (one per thread)."""
import threading

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.workflow import roles
from tests.helpers import as_user

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")

REQUEST = {"name": "Ani Rahasia", "email": "ani.rahasia@warga.example.org",
           "title": "Data anggaran desa", "description": "d", "purpose": "p"}


def _rejected_by(user):
    filed = helpers.call_action("satudata_request_create", context={"user": ""}, **REQUEST)
    helpers.call_action("satudata_request_transition", context=as_user(user), id=filed["id"],
                        transition="reject", comment="Pasal 17", reason="dikecualikan")
    return filed


def _pending(filed):
    from ckanext.satudata.model import objection
    model.Session.remove()
    return model.Session.execute(objection.select().where(
        objection.c.request_id == filed["id"])).all()


def test_two_filings_at_once_make_one_objection(app, walidata):
    filed = _rejected_by(walidata["subkoord"])
    n = 4
    barrier = threading.Barrier(n)
    outcomes, lock = [], threading.Lock()

    def file_objection(i):
        # each thread is its own web request: its own request context and connection
        with app.flask_app.test_request_context():
            try:
                barrier.wait(timeout=30)
                helpers.call_action("satudata_objection_file", context={"user": ""},
                                    id=filed["id"], ground="ditolak",
                                    reason="Bukan rahasia (%d)" % i,
                                    access_token=filed["access_token"])
                result = "filed"
            except tk.ValidationError:
                result = "refused"
            except Exception as e:  # anything else is a failure, made visible
                result = repr(e)
            finally:
                model.Session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=file_objection, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["filed"] + ["refused"] * (n - 1)
    assert len(_pending(filed)) == 1


def test_who_rejected_never_decides_the_objection_to_it(walidata):
    # one person holds both roles: Subkoord (rejects) and Kabid (atasan PPID)
    both = walidata["subkoord"]
    roles.grant(both["id"], "kabid", None)
    model.repo.commit()
    filed = _rejected_by(both)
    helpers.call_action("satudata_objection_file", context={"user": ""}, id=filed["id"],
                        ground="ditolak", reason="Bukan rahasia",
                        access_token=filed["access_token"])
    shown = helpers.call_action("satudata_request_show", context=as_user(both), id=filed["id"])
    assert shown["objections"][0]["status"] == "diajukan"
    with pytest.raises(tk.NotAuthorized) as refused:
        helpers.call_action("satudata_objection_decide", context=as_user(both),
                            id=filed["id"], decision="dismiss", comment="Tetap ditolak")
    assert "objected to" in str(refused.value)
    assert _pending(filed)[0].status == "diajukan"
    # another atasan PPID decides it
    decided = helpers.call_action("satudata_objection_decide",
                                  context=as_user(walidata["kabid"]), id=filed["id"],
                                  decision="uphold", comment="Dibuka sebagian")
    assert decided["objections"][0]["status"] == "diterima"


def test_the_tracking_page_offers_no_decision_to_who_rejected(app, walidata):
    both = walidata["subkoord"]
    roles.grant(both["id"], "kabid", None)
    model.repo.commit()
    filed = _rejected_by(both)
    helpers.call_action("satudata_objection_file", context={"user": ""}, id=filed["id"],
                        ground="ditolak", reason="Bukan rahasia",
                        access_token=filed["access_token"])
    mine = helpers.call_action("satudata_request_show", context=as_user(both), id=filed["id"])
    theirs = helpers.call_action("satudata_request_show", context=as_user(walidata["kabid"]),
                                 id=filed["id"])
    assert (mine["may_decide_objection"], theirs["may_decide_objection"]) == (False, True)
