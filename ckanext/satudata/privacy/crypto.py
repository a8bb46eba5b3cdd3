"""NIK encrypted at rest (Fernet, from `cryptography`): the key lives outside
the database (``ckanext.satudata.personal_data_key``: a file path, or the
key itself), so a dump of the database alone does not reveal any NIK.

The setting holds one key or several (one per line in the file, or separated
by commas or spaces); the first encrypts, all decrypt (MultiFernet), which is
how a key is rotated: ``ckan satudata privacy rotate-key``."""
from __future__ import annotations

import logging
import os
from typing import Optional

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import bilingual

log = logging.getLogger(__name__)

CONFIG_KEY = "ckanext.satudata.personal_data_key"
_cache: dict[str, MultiFernet] = {}


class KeyMissing(tk.ValidationError):
    pass


def key_file() -> Optional[str]:
    """The key file, when the setting names one."""
    value = (tk.config.get(CONFIG_KEY) or "").strip()
    return value if value and os.path.isfile(value) else None


def parse_keys(text: str) -> list[str]:
    keys = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        keys.extend(k for k in line.replace(",", " ").split() if k)
    return keys


def configured_keys() -> list[str]:
    value = (tk.config.get(CONFIG_KEY) or "").strip()
    path = key_file()
    if path:
        with open(path, encoding="ascii") as f:
            return parse_keys(f.read())
    return parse_keys(value)


def fernet() -> MultiFernet:
    keys = configured_keys()
    if not keys:
        raise KeyMissing({"identity_number": [bilingual(
            "The portal has no key for personal data: set ckanext.satudata.personal_data_key")]})
    cache_key = "\n".join(keys)
    if cache_key not in _cache:
        _cache.clear()
        _cache[cache_key] = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
    return _cache[cache_key]


def is_clear(value: Optional[str]) -> bool:
    """A NIK as typed (digits), not yet encrypted: rows from before
    migration 0011, and what the migration converts."""
    return bool(value) and value.isdigit()


def seal(nik: Optional[str]) -> Optional[str]:
    if not nik:
        return None
    return fernet().encrypt(nik.encode("ascii")).decode("ascii")


def reveal(stored: Optional[str]) -> Optional[str]:
    """The NIK of a stored value. A value no configured key opens is logged
    (without the value) and shown as missing rather than failing the page."""
    if not stored or is_clear(stored):
        return stored
    try:
        return fernet().decrypt(stored.encode("ascii")).decode("ascii")
    except (InvalidToken, KeyMissing):
        log.error("satudata: a stored NIK cannot be decrypted with the configured keys")
        return None


def rotate(stored: str) -> str:
    """`stored` encrypted again with the first key (clear values sealed)."""
    if is_clear(stored):
        return seal(stored)
    return fernet().rotate(stored.encode("ascii")).decode("ascii")
