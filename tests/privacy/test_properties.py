"""Open-ended inputs of the personal-data code (hypothesis): the NIK mask
never shows the birth date and serial in the middle, and the retention
setting is read or refused with a ValueError, never anything else."""
import pytest
from hypothesis import given, strategies as st

from ckanext.satudata.privacy import crypto, retention
from ckanext.satudata.privacy.access import mask_nik


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_a_masked_nik_hides_its_middle(nik):
    masked = mask_nik(nik)
    assert len(masked) == 16 and masked[:4] == nik[:4] and masked[-4:] == nik[-4:]
    assert masked[4:12] == "*" * 8


@given(st.text(max_size=40))
def test_any_retention_setting_is_read_or_refused(text):
    try:
        n, unit = retention.parse(text)
    except ValueError:
        return
    assert n >= 1 and unit in ("days", "months", "years")


@pytest.mark.parametrize("text, expected", [("2 years", (2, "years")),
                                             ("24 bulan", (24, "months")),
                                             ("730 hari", (730, "days")),
                                             (" 1 Year ", (1, "years"))])
def test_retention_forms(text, expected):
    assert retention.parse(text) == expected


@given(st.text(max_size=200))
def test_key_lists_ignore_comments_and_blank_lines(text):
    keys = crypto.parse_keys(text)
    assert all(k and "#" not in k and "," not in k and " " not in k for k in keys)
