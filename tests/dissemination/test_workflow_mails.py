"""Each Diseminasi step mails whoever must act next (issue 23), through the
real action, the outbox and the RQ worker to a real SMTP sink: submitted ->
the Subkoord, approved by the Subkoord -> the Kabid, approved by the Kabid ->
the assigned Staf to publish, returned -> the preparer with the note. The
mail names the step and its SOP standard time (30 minutes for the reviews)."""
import pytest

from tests.helpers import SdiDataset, run_worker, transition

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")


def test_each_step_notifies_the_next_actor(smtp_sink, walidata, opd):
    staf, subkoord, kabid = walidata["staf"], walidata["subkoord"], walidata["kabid"]
    dataset = SdiDataset(name="penduduk-kecamatan", title="Penduduk per Kecamatan",
                         owner_org=opd["id"])

    def mails(user):
        run_worker()
        return smtp_sink.to(user["email"])

    transition(subkoord, dataset["id"], "assign", assignee=staf["name"])
    (task,) = mails(staf)
    assert "Menunggu Anda" in task["subject"] and "Penduduk per Kecamatan" in task["subject"]

    transition(staf, dataset["id"], "submit")
    (review,) = mails(subkoord)
    assert "30 menit" in review["subject"] and "Menunggu Anda" in review["subject"]
    assert "/dataset/penduduk-kecamatan" in review["body"]
    assert "setujui atau kembalikan" in review["body"]
    assert mails(kabid) == []

    transition(subkoord, dataset["id"], "return", comment="Satuan kolom nilai belum diisi")
    returned = mails(staf)
    assert len(returned) == 2
    assert "Satuan kolom nilai belum diisi" in returned[1]["body"]
    assert "dikembalikan" in returned[1]["body"] or "Perbaiki" in returned[1]["body"]

    transition(staf, dataset["id"], "resume")
    transition(staf, dataset["id"], "submit")
    assert len(mails(subkoord)) == 2
    transition(subkoord, dataset["id"], "approve")
    (kabid_review,) = mails(kabid)
    assert "30 menit" in kabid_review["subject"]
    assert "Subkoordinator menyetujui" in kabid_review["body"]

    transition(kabid, dataset["id"], "approve")
    publish = mails(staf)
    assert len(publish) == 3 and "Terbitkan" in publish[2]["body"]
    assert "15 menit" in publish[2]["subject"]

    transition(staf, dataset["id"], "publish")
    run_worker()
    # nobody acts after publication; whoever acted is never told of their own step
    assert len(mails(staf)) == 3 and len(mails(subkoord)) == 2 and len(mails(kabid)) == 1
    assert all(len(m["body"].splitlines()) > 8 for m in smtp_sink.messages)
