"""One translation catalogue: every message the extension's code and templates
mark for translation (gettext in templates, `_`/`N_` in Python, and the
refusal calls `bilingual`/`forbid`/`invalid`) has a Bahasa Indonesia
translation in the .po, none fuzzy, and the compiled .mo CKAN loads matches it."""
import configparser
import subprocess
import sys

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from ckanext.satudata import i18n
from ckanext.satudata.dissemination import rules as dissemination
from tests.helpers import REPO_ROOT

I18N = REPO_ROOT / "ckanext" / "satudata" / "i18n"
PO = I18N / "id" / "LC_MESSAGES" / "ckanext-satudata.po"
MO = I18N / "id" / "LC_MESSAGES" / "ckanext-satudata.mo"


def _extracted(tmp_path):
    cfg = configparser.ConfigParser()
    cfg.read(REPO_ROOT / "setup.cfg")
    args = []
    for keyword in cfg["extract_messages"]["keywords"].split():
        args += ["-k", keyword]
    pot = tmp_path / "current.pot"
    subprocess.run([str(REPO_ROOT / ".run" / "venv" / "bin" / "pybabel")
                    if (REPO_ROOT / ".run" / "venv" / "bin" / "pybabel").exists()
                    else sys.executable.replace("python", "pybabel"), "extract",
                    "-F", str(REPO_ROOT / "babel.cfg"), *args, "-o", str(pot),
                    str(REPO_ROOT / "ckanext" / "satudata")], check=True, cwd=REPO_ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(pot, "rb") as f:
        return {_key(m.id) for m in read_po(f) if m.id}


def test_every_message_is_translated_and_none_is_fuzzy(tmp_path):
    wanted = _extracted(tmp_path)
    with open(PO, "rb") as f:
        po = {_key(m.id): m for m in read_po(f) if m.id}
    missing = sorted(str(m) for m in wanted
                     if m not in po or not all(_key(po[m].string) if isinstance(
                         po[m].string, (list, tuple)) else [po[m].string]))
    assert not missing, "untranslated (run scripts/i18n, translate in the .po):\n" + \
        "\n".join(missing)
    fuzzy = sorted(str(m.id) for m in po.values() if m.fuzzy)
    assert not fuzzy, "fuzzy messages in the .po:\n" + "\n".join(fuzzy)


def _key(value):
    """A plural message's forms as a tuple (babel gives lists or tuples)."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_the_compiled_catalogue_is_the_po():
    with open(PO, "rb") as f:   # obsolete entries are kept apart
        po = {_key(m.id): _key(m.string) for m in read_po(f) if m.id}
    with open(MO, "rb") as f:
        mo = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    assert po == mo, "the .mo is stale: run scripts/i18n"


def test_refusals_and_step_labels_come_from_the_catalogue():
    """The API's two-language refusals and the rule modules' labels are read
    from the same catalogue as the pages (no second mechanism)."""
    assert i18n.bilingual("Missing value") == "Wajib diisi / Missing value"
    assert i18n.bilingual("Only the %s can review this step", "Kabid") == \
        "Hanya Kabid yang dapat mereview tahap ini / Only the Kabid can review this step"
    step = dissemination.STEPS[dissemination.DIAJUKAN]
    assert step.label_en == "Sub-coordinator review"
    assert step.label_id == "Koreksi & paraf Subkoord"
    assert i18n.bilingual("A message nobody translated") == "A message nobody translated"
