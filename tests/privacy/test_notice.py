"""The form says what is collected, why (Pasal 20), for how long and how to
exercise the rights; the privacy page gives the record of processing, in
both languages (issue 26)."""
import pytest

pytestmark = [pytest.mark.usefixtures("satudata_db")]


def test_the_request_form_says_what_why_how_long_and_the_rights(app):
    page = app.get("/permintaan-data/baru").body
    assert "satudata-privacy-notice" in page
    for words in ("only by the PPID desk", "Pasal 20", "2 years after your request is closed",
                  "correction, restriction or deletion", 'href="/privasi"'):
        assert words in page, words


@pytest.mark.ckan_config("ckanext.satudata.request_retention", "18 months")
def test_the_privacy_page_in_both_languages(app):
    english = app.get("/privasi").body
    assert "Record of processing" in english and "18 months" in english
    indonesian = app.get("/id/privasi").body
    for words in ("Rekaman pemrosesan", "Dasar hukum", "UU 27/2022 Pasal 20", "18 bulan",
                  "3 x 24 jam"):
        assert words in indonesian, words
