"""The extension's one translation catalogue, ``i18n/<locale>/LC_MESSAGES/ckanext-satudata.po``
(English msgids; edited as .po files, see README "Translations").

Pages translate through CKAN's gettext (the plugin's ITranslation). What is not rendered
for a page reads the same compiled catalogue here: refusals an API client gets in both
languages whatever its locale, mails in the recipient's language, and the pure rule
modules, which must not depend on CKAN."""
from __future__ import annotations

import functools
import gettext
import os

DOMAIN = "ckanext-satudata"
DEFAULT_LOCALE = "id"
_DIR = os.path.dirname(os.path.abspath(__file__))


def N_(message: str) -> str:
    """Marks a msgid for extraction; it is translated where it is shown."""
    return message


def Nplural_(singular: str, plural: str) -> tuple[str, str]:
    """N_ for a message with a plural (extracted as singular and plural)."""
    return singular, plural


@functools.lru_cache(maxsize=None)
def _catalogue(locale: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, _DIR, languages=[locale], fallback=True)


def translate(message: str, locale: str = DEFAULT_LOCALE, *args) -> str:
    text = _catalogue(locale or DEFAULT_LOCALE).gettext(message)
    return text % args if args else text


class Bilingual(str):
    """The text of ``bilingual``, which remembers its msgid and arguments: an
    API client reads both languages, a page shows it in its own language
    alone (``page_text``)."""
    msgid: str = ""
    args: tuple = ()

    def in_language(self, locale: str) -> str:
        return translate(self.msgid, locale, *self.args)


def bilingual(message: str, *args) -> str:
    """'Bahasa Indonesia / English' from one msgid, for messages that leave the portal
    without a page around them (API errors, refusals)."""
    en_text = message % args if args else message
    id_text = translate(message, "id", *args)
    text = Bilingual(en_text if id_text == en_text else "%s / %s" % (id_text, en_text))
    text.msgid, text.args = message, args
    return text


def page_text(message) -> str:
    """A refusal shown on a page, in the page's language only: a ``bilingual``
    message by its msgid, anything else (CKAN's own messages) through CKAN's
    catalogue."""
    import ckan.plugins.toolkit as tk
    if isinstance(message, Bilingual):
        text = tk._(message.msgid)
        return text % message.args if message.args else text
    return tk._(message) if isinstance(message, str) and message else message


def in_page_language(msgid: str) -> str:
    """A msgid held in data (a Step's label) in the language of the page being rendered."""
    import ckan.plugins.toolkit as tk
    return tk._(msgid) if msgid else ""
