"""Issue 23, "Staff": no one-click loss. Discarding a revision asks for a
confirmation and a note and mails the revision's author (outbox, RQ worker,
real SMTP sink); withdrawing is set apart from approving (its own form, its
own confirmation, danger styling), never a button beside "Approve".
The outbox is delivered in-process (`deliver_outbox`, what the RQ job runs):
the test Redis database is shared by concurrent runners, whose workers may
take a queued job."""
import bs4
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.notifications.outbox import deliver_outbox
from tests.helpers import as_user, site_context, transition, walk

pytestmark = pytest.mark.usefixtures("satudata_db")

NOTE = "Angka 2025 belum final; tunggu rilis BPS bulan depan."


@pytest.fixture
def people(walidata):
    disbudpar = factories.Organization(name="disbudpar", title="Dinas Kebudayaan dan Pariwisata")
    opd = factories.User(name="opd-disbudpar", email="opd-disbudpar@banyuwangikab.example")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=disbudpar["id"], username=opd["name"], role="editor")
    return dict(walidata, opd=opd, disbudpar=disbudpar)


@pytest.fixture
def revision(people):
    """A published dataset its OPD editor has revised (their work is pending)."""
    dataset = helpers.call_action(
        "package_create", context=as_user(people["opd"]), name="kunjungan-wisata",
        title="Kunjungan Wisata", notes="Data contoh (sample data).",
        owner_org=people["disbudpar"]["id"], topic="budaya_agama",
        update_frequency="tahunan", period_start="2025", presentation_level="kabupaten",
        unit="orang", classification="terbuka",
        resources=[{"name": "Data", "url": "http://example.com/wisata.csv", "format": "CSV"}])
    walk(dataset["id"], people)
    helpers.call_action("package_patch", context=as_user(people["opd"]), id=dataset["id"],
                        notes="Data 2025 diperbarui.")
    return dataset


def auth(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def workflow(dataset_id):
    return helpers.call_action("satudata_dataset_workflow_show",
                               context={"ignore_auth": True}, id=dataset_id)


def panel_forms(app, user, name):
    page = app.get("/dataset/%s" % name, headers=auth(user)).body
    panel = bs4.BeautifulSoup(page, "html.parser").find(id="alur-diseminasi")
    return [(sorted(b["value"] for b in f.find_all("button", attrs={"name": "transition"})), f)
            for f in panel.find_all("form")]


def test_discard_needs_a_note_in_the_rules(people, revision):
    with pytest.raises(tk.ValidationError, match="note is required"):
        transition(people["subkoord"], revision["id"], "discard")
    with pytest.raises(tk.ValidationError):
        transition(people["subkoord"], revision["id"], "discard", comment="   ")
    assert workflow(revision["id"])["pending_revision"] is not None


def test_discard_is_its_own_form_with_confirmation_and_a_required_note(app, people, revision):
    forms = dict((tuple(buttons), form) for buttons, form in
                 panel_forms(app, people["subkoord"], "kunjungan-wisata"))
    assert ("discard",) in forms and ("withdraw",) in forms
    for (buttons, form) in forms.items():
        if "discard" in buttons or "withdraw" in buttons:
            assert len(buttons) == 1            # alone in its form
            assert form.find("textarea", attrs={"name": "comment"}).has_attr("required")
            assert form.find("input", attrs={"type": "checkbox"}).has_attr("required")
            assert "btn-danger" in form.find("button")["class"]
            assert form.find_parent("details") is not None   # folded away

    url = "/dataset/kunjungan-wisata/alur"
    # no confirmation: nothing happens
    app.post(url, headers=auth(people["subkoord"]),
             data={"transition": "discard", "comment": NOTE})
    assert workflow(revision["id"])["pending_revision"] is not None
    # no note: refused
    app.post(url, headers=auth(people["subkoord"]),
             data={"transition": "discard", "confirm_discard": "1", "comment": ""})
    assert workflow(revision["id"])["pending_revision"] is not None


def test_discard_mails_the_revisions_author(app, smtp_sink, people, revision):
    deliver_outbox()
    before = len(smtp_sink.to(people["opd"]["email"]))
    app.post("/dataset/kunjungan-wisata/alur", headers=auth(people["subkoord"]),
             data={"transition": "discard", "confirm_discard": "1", "comment": NOTE})
    shown = workflow(revision["id"])
    assert shown["state"] == "terbit" and shown["pending_revision"] is None
    deliver_outbox()
    (mail,) = smtp_sink.to(people["opd"]["email"])[before:]
    assert "Kunjungan Wisata" in mail["subject"] and "dibatalkan" in mail["subject"]
    assert NOTE in mail["body"] and "/dataset/kunjungan-wisata" in mail["body"]
    assert people["subkoord"]["display_name"] in mail["body"]


def test_an_author_discarding_their_own_revision_gets_no_mail(smtp_sink, people, revision):
    deliver_outbox()
    before = len(smtp_sink.to(people["opd"]["email"]))
    transition(people["opd"], revision["id"], "discard", comment="Salah unggah berkas.")
    deliver_outbox()
    assert len(smtp_sink.to(people["opd"]["email"])) == before


def test_withdraw_is_set_apart_from_approve(app, people, revision):
    transition(people["staf"], revision["id"], "submit")
    transition(people["subkoord"], revision["id"], "approve")
    forms = panel_forms(app, people["kabid"], "kunjungan-wisata")
    step = next(form for buttons, form in forms if "approve" in buttons)
    assert "withdraw" not in [b["value"] for b in step.find_all("button")]
    assert "btn-primary" in step.find("button", attrs={"value": "approve"})["class"]
    withdraw = next(form for buttons, form in forms if buttons == ["withdraw"])
    assert withdraw.find_parent("details") is not None
    # pressing withdraw without its confirmation leaves the dataset online
    app.post("/dataset/kunjungan-wisata/alur", headers=auth(people["kabid"]),
             data={"transition": "withdraw", "comment": "Ditarik."})
    assert workflow(revision["id"])["published"] is True
