"""The revision diff's pure part (issue 23), without a server: the word diff
rebuilds both texts, escapes whatever it is given, and the changes list holds
only the fields a person edits."""
import html
import re

from hypothesis import given, settings, strategies as st

from ckanext.satudata.dissemination import revision_diff as rd

# words of a reviewer's texts, with what breaks naive HTML handling mixed in
WORD = st.one_of(
    st.sampled_from(["data", "penduduk", "2025", "Banyuwangi", "<script>", "</td>",
                     "&amp;", "<b>tebal</b>", "\"kutip\"", "'", "<ins>", "</del>", "&lt;"]),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8))
TEXT = st.lists(st.one_of(WORD, st.sampled_from([" ", "  ", "\n", "\n\n", "\t"])),
                max_size=30).map("".join)

MARKS = re.compile(r"</?(?:ins|del)>|<br>")


def kept_and(runs, op):
    return [t for kind, tokens in runs if kind in (rd.EQUAL, op) for t in tokens]


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_kept_and_inserted_words_rebuild_the_new_text_kept_and_deleted_the_old(old, new):
    runs = rd.word_diff(old, new)
    assert kept_and(runs, rd.INSERT) == rd.words(new)
    assert kept_and(runs, rd.DELETE) == rd.words(old)
    # the words themselves are the text's words: nothing is lost but spacing
    assert [t for t in rd.words(new) if t != rd.LINE_BREAK] == new.split()


def unmarked(markup):
    """The words shown, with the diff's own tags taken out and entities read."""
    return html.unescape(MARKS.sub(" ", str(markup))).split()


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_every_word_is_escaped_and_only_the_diff_marks_are_markup(old, new):
    live, revision = rd.side_by_side(rd.word_diff(old, new))
    for markup, text in ((live, old), (revision, new)):
        # the only tags left are <ins>, <del> and <br>: no user HTML passes
        assert "<" not in MARKS.sub("", str(markup)) and ">" not in MARKS.sub("", str(markup))
        assert unmarked(markup) == text.split()
    assert "<ins>" not in str(live) and "<del>" not in str(revision)


def test_words_changed_inside_a_sentence_are_marked_alone():
    live, revision = rd.side_by_side(rd.word_diff(
        "Jumlah penduduk per kecamatan tahun 2024.", "Jumlah penduduk per desa tahun 2025."))
    assert str(live) == "Jumlah penduduk per <del>kecamatan</del> tahun <del>2024.</del>"
    assert str(revision) == "Jumlah penduduk per <ins>desa</ins> tahun <ins>2025.</ins>"


def test_html_in_a_value_is_shown_as_text():
    live, revision = rd.side_by_side(rd.word_diff("aman", "<script>alert(1)</script> aman"))
    assert str(revision) == "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins> aman"


def test_markdown_is_diffed_as_the_page_reads_it():
    old = rd.rendered_text("**Data** contoh\n\n* satu\n* dua", is_markdown=True)
    new = rd.rendered_text("**Data** contoh baru\n\n* satu\n* [dua](https://contoh.id/d)",
                           is_markdown=True)
    assert rd.words(old) == ["Data", "contoh", "\n", "satu", "\n", "dua"]
    _, revision = rd.side_by_side(rd.word_diff(old, new))
    # no Markdown syntax, the paragraph breaks kept, a link's target shown
    assert str(revision) == ("Data contoh <ins>baru</ins> <br> satu <br> dua "
                             "<ins>(https://contoh.id/d)</ins>")
    assert rd.rendered_text("<script>alert(1)</script>teks", is_markdown=True).strip() == "teks"


SCHEMA = {"dataset_fields": [{"field_name": "title"}, {"field_name": "notes"},
                             {"field_name": "tag_string"}, {"field_name": "unit"}],
          "resource_fields": [{"field_name": "url"}, {"field_name": "name"},
                              {"field_name": "description"}, {"field_name": "format"}]}


def test_only_the_fields_a_person_edits():
    dataset_fields, resource_fields = rd.edited_fields(SCHEMA)
    assert dataset_fields == ["title", "notes", "tags", "unit"]
    live = {"id": "a", "title": "Lama", "metadata_modified": "2025-01-01", "unit": "orang",
            "tags": ["wisata"], "satudata_state": "terbit", "revision_id": "r1",
            "resources": [{"id": "r", "name": "Data", "url": "wisata.csv", "url_type": "upload",
                           "format": "CSV", "size": 1200, "hash": "aa", "datastore_active": True,
                           "last_modified": "2025-01-01T00:00:00"}]}
    revision = dict(live, title="Baru", metadata_modified="2026-01-01", revision_id="r2",
                    satudata_state="penyusunan", unit="",
                    resources=[dict(live["resources"][0], description="Keterangan",
                                    datastore_active=False, xloader_job_id="j")])
    found = rd.changes(live, revision, dataset_fields, resource_fields)
    assert [c["field"] for c in found] == ["title", "unit", "resource:Data"]
    resource = found[-1]
    assert resource["fields"] == ["description"] and resource["file_replaced"] is False
    assert set(resource["revision"]) == {"name", "description", "format", "file"}

    # a new upload: the same name, other bytes
    replaced = dict(live, resources=[dict(live["resources"][0], size=8, hash="bb",
                                          last_modified="2026-01-02T00:00:00")])
    found = rd.changes(live, replaced, dataset_fields, resource_fields)
    assert len(found) == 1 and found[0]["file_replaced"] and found[0]["fields"] == []
    assert found[0]["revision"]["file"] == {"name": "wisata.csv", "upload": True,
                                            "format": "CSV", "size": 8}


def test_added_and_removed_resources():
    _, resource_fields = rd.edited_fields(SCHEMA)
    live = {"resources": [{"id": "1", "name": "Lama", "url": "http://contoh.id/a.csv"}]}
    revision = {"resources": [{"id": "2", "name": "Baru", "url": "b.csv",
                               "url_type": "upload", "format": "CSV"}]}
    found = rd.changes(live, revision, [], resource_fields)
    assert [(c["field"], c["change"]) for c in found] == [
        ("resource:Baru", "added"), ("resource:Lama", "removed")]
    assert found[1]["live"]["file"]["name"] == "http://contoh.id/a.csv"
