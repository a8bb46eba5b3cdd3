"""The Bahasa Indonesia catalogue is complete: every message the extension's
code and templates mark for translation has an Indonesian translation in the
compiled catalogue CKAN loads (no untranslated, no fuzzy)."""
import io
import pathlib
import subprocess
import sys

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from ckanext.satudata.tests.helpers import REPO_ROOT

ROOT = REPO_ROOT
I18N = ROOT / "ckanext" / "satudata" / "i18n"


def test_every_message_is_translated(tmp_path):
    pot = tmp_path / "current.pot"
    subprocess.run([str(pathlib.Path(sys.executable).with_name("pybabel")), "extract",
                    "-F", str(ROOT / "babel.cfg"), "-k", "_", "-o", str(pot),
                    str(ROOT / "ckanext" / "satudata")], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(pot, "rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with open(I18N / "id" / "LC_MESSAGES" / "ckanext-satudata.mo", "rb") as f:
        compiled = read_mo(f)
    translated = {m.id for m in compiled if m.id and m.string and not m.fuzzy}
    missing = sorted(str(m) for m in wanted - translated)
    assert not missing, "untranslated (add them to scripts/i18n_id.py):\n" + "\n".join(missing)
