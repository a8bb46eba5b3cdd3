"""CKAN's own pages in Bahasa Indonesia: the staff's and the sysadmin's forms
come from CKAN's templates (new resource, new dataset, profile, members,
trash...), and CKAN 2.12's Indonesian catalogue leaves most of their messages
empty, so staff met "Add New Resource", "What's a resource?", "Update
Profile". The extension's catalogue carries them (theme/core_strings.py);
these tests read what CKAN serves, the two catalogues merged."""
import html
import os
import re

import polib
import pytest
from flask_babel import force_locale, get_translations

from ckan.lib import i18n
from ckan.tests import factories

from tests.helpers import REPO_ROOT, SdiDataset

# where the messages of the pages this portal serves come from: CKAN itself
# and the core plugins it enables (test.ini, scripts/portal's ckan.ini)
PAGES = ("ckan/templates/", "ckan/views/", "ckan/logic/", "ckan/lib/", "ckan/authz.py",
         "ckanext/activity/", "ckanext/datastore/", "ckanext/datatablesview/",
         "ckanext/imageview/")
# placeholders, and the tags of markup (an attribute such as a title may be
# translated; a placeholder inside one may not)
PLACEHOLDERS = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|</?[a-zA-Z]+")


def _pages_messages():
    pot = polib.pofile(os.path.join(i18n.get_ckan_i18n_dir(), "ckan.pot"))
    return [e for e in pot if e.msgid.strip() and not e.obsolete
            and any(path.startswith(PAGES) for path, _line in e.occurrences)]


@pytest.fixture
def indonesian(app):
    with app.flask_app.test_request_context(), force_locale("id"):
        yield get_translations()._catalog


def test_every_message_of_ckans_pages_has_indonesian(indonesian):
    messages = _pages_messages()
    assert len(messages) > 900
    missing = [e.msgid for e in messages
               if not indonesian.get((e.msgid, 0) if e.msgid_plural else e.msgid)]
    assert missing == [], "translate in the .po, list in theme/core_strings.py"


def test_every_message_of_xloaders_pages_has_indonesian(indonesian):
    """ckanext-xloader (the staff's DataStore tab) has no Indonesian of its
    own; its messages are read from the source installed, so an upgrade that
    adds one fails here."""
    import ckanext.xloader
    from babel.messages.extract import extract_from_dir
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.do, jinja2.ext.loopcontrols"}}
    source = os.path.dirname(ckanext.xloader.__file__)
    found = {message for _file, _line, message, _comments, _context in extract_from_dir(
        source, method_map, options) if "/tests/" not in _file}
    assert len(found) > 25
    missing = sorted(m for m in found if isinstance(m, str) and m.strip()
                     and not indonesian.get(m) and m.lower() != "datastore")
    assert missing == [], "translate in the .po, list in theme/core_strings.py"


def test_the_translations_keep_placeholders_and_markup(indonesian):
    broken = []
    for e in _pages_messages():
        forms = ([indonesian.get((e.msgid, i)) for i in (0, 1)] if e.msgid_plural
                 else [indonesian.get(e.msgid)])
        sources = [e.msgid, e.msgid_plural] if e.msgid_plural else [e.msgid]
        for source, form in zip(sources, forms):
            if form and sorted(PLACEHOLDERS.findall(source)) != sorted(
                    PLACEHOLDERS.findall(form)):
                broken.append((source, form))
    assert broken == []


def test_the_portal_says_sumber_data_as_everywhere(indonesian):
    """One word for a resource and one for a dataset: CKAN's catalogue said
    `sumber daya`, `Sumberdaya` and `kumpulan data` beside the portal's
    `sumber data` and `dataset`."""
    said = [(k, v) for k, v in indonesian.items()
            if re.search(r"sumber ?daya(?! air)|kumpulan data\b", v, re.I)]
    assert said == []
    assert indonesian["Resources"] == "Sumber data"
    # and the portal's own schema labels ("Jenis Sumber Daya" on the resource form)
    schemas = REPO_ROOT / "ckanext" / "satudata" / "sdi" / "schemas"
    for schema in schemas.glob("*.yaml"):
        assert not re.search(r"sumber ?daya(?! air)|kumpulan data\b", schema.read_text(),
                             re.I), schema.name
    assert indonesian[("{num} Dataset", 1)] == "{num} Dataset"


@pytest.mark.usefixtures("satudata_db")
def test_the_new_resource_form_reads_in_indonesian(app):
    """The form staff meet when they add a file to a dataset in preparation
    (test.ini's default language is English: the page is asked for in /id)."""
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dataset = SdiDataset(name="jumlah-puskesmas", owner_org=org["id"])
    token = factories.APIToken(user=sysadmin["name"])["token"]
    response = app.get("/id/dataset/%s/resource/new" % dataset["name"],
                       headers={"Authorization": token})
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    for indonesian_text in ("Tambah Sumber Data Baru", "Apa itu sumber data?",
                            "Simpan & tambah lagi", "mis. CSV, XML, atau JSON"):
        assert indonesian_text in page
    for english in ("Add New Resource", "What's a resource?", "Save & add another",
                    "eg. CSV, XML or JSON"):
        assert english not in page
