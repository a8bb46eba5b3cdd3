"""CKAN's JavaScript in Bahasa Indonesia: the strings its modules and the
datatables_view table show (confirmations, autocomplete, upload field, the
table's "Sort", "Print", "Copy to clipboard"...) are served by /api/i18n/id,
which `ckan translation js` builds from CKAN's catalogue and the extension's
(scripts/portal up runs it). CKAN 2.12's own Indonesian catalogue leaves 47 of
its 52 JavaScript strings empty; the extension's catalogue carries them
(theme/core_strings.py)."""
import os

import polib
import pytest

from ckan.lib import i18n


@pytest.fixture
def served(app):
    i18n.build_js_translations()
    response = app.get("/api/i18n/id")
    assert response.status_code == 200
    return response.json


def test_every_javascript_string_of_ckan_has_indonesian(served):
    pot = polib.pofile(os.path.join(i18n.get_ckan_i18n_dir(), "ckan.pot"))
    javascript = [e.msgid for e in pot if not e.obsolete and
                  any(path.endswith(".js") for path, _line in e.occurrences)]
    assert len(javascript) > 40
    assert [m for m in javascript if m not in served] == []


def test_the_data_table_controls(served):
    assert served["Sort"] == [None, "Urutkan"]
    assert served["Copy to clipboard"] == [None, "Salin ke papan klip"]
    assert served["Add Filter"] == [None, "Tambah Filter"]
    # a plural form keeps its placeholder
    short = served["Input is too short, must be at least one character"]
    assert short[0] == "Input is too short, must be at least %(num)d characters"
    assert all("%(num)d" in form or "satu" in form for form in short[1:])
