"""The logs hold no personal data (issue 26): what the request code and the
outbox log while a request is filed, viewed, answered and mailed carries no
name, email, phone, NIK or access token; gunicorn's access log line has the
path only (a private link's ?token= stays out)."""
import logging
import re
from pathlib import Path

import pytest

from ckan.tests import helpers

from ckanext.satudata.notifications import outbox
from tests.helpers import as_user
from tests.privacy.conftest import REQUESTER, act

pytestmark = [pytest.mark.usefixtures("satudata_db"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]

ROOT = Path(__file__).resolve().parents[2]


def test_nothing_personal_in_the_application_log(app, people, caplog, ckan_config,
                                                 monkeypatch):
    caplog.set_level(logging.DEBUG)
    # a mail server that refuses: the failure is logged, the address is not
    monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:9")
    monkeypatch.setitem(ckan_config, "ckanext.satudata.outbox_max_attempts", "1")
    filed = helpers.call_action("satudata_request_create", context=as_user(None), **REQUESTER)
    number = filed["number"]
    act(people["subkoord"], number, "assign", assignee=people["staf"]["name"])
    helpers.call_action("satudata_request_show", context=as_user(people["staf"]), id=number)
    app.get("/permintaan-data/%s?token=%s" % (number, filed["access_token"]))
    outbox.deliver_outbox()
    text = caplog.text
    assert "outbox mail" in text   # the failure was logged
    for value in (REQUESTER["name"], REQUESTER["email"], REQUESTER["phone"],
                  REQUESTER["identity_number"], filed["access_token"]):
        assert value not in text, value


def test_gunicorn_logs_the_path_without_the_query():
    conf = (ROOT / "config" / "gunicorn.conf.py").read_text()
    fmt = re.search(r"access_log_format\s*=\s*'([^']*)'", conf).group(1)
    assert "%(U)s" in fmt and not re.search(r"%\((r|q|u|f)\)s", fmt)


def test_nothing_personal_in_the_log_of_the_rights_flows(people, at_opd, caplog, ckan_config,
                                                         monkeypatch):
    """The rights requests (a restriction granted, a workflow mail withheld
    while it holds, lifted by the requester) and their mails, failing at a
    refusing server: the log says what happened by request number only."""
    caplog.set_level(logging.DEBUG)
    monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:9")
    monkeypatch.setitem(ckan_config, "ckanext.satudata.outbox_max_attempts", "1")
    number, token = at_opd["number"], at_opd["access_token"]
    item = helpers.call_action("satudata_rights_request_file", context=as_user(None),
                               id=number, access_token=token, kind="pembatasan",
                               detail="Jangan proses nomor 081299887766")
    helpers.call_action("satudata_rights_request_answer", context=as_user(people["dpo"]),
                        id=number, item=item["id"], decision="dijawab", comment="Dibatasi")
    act(people["kabid"], number, "extend", comment="Perlu waktu")
    helpers.call_action("satudata_rights_restriction_lift", context=as_user(None), id=number,
                        item=item["id"], access_token=token)
    outbox.deliver_outbox()
    text = caplog.text
    assert "request_extended of request %s withheld" % number in text
    assert "outbox mail" in text
    for value in (REQUESTER["name"], REQUESTER["email"], REQUESTER["phone"],
                  REQUESTER["identity_number"], token):
        assert value not in text, value
