"""The update schedule's arithmetic (quality/schedule.py), without a server."""
import datetime as dt

from dateutil.relativedelta import relativedelta
from hypothesis import given, strategies as st

from ckanext.satudata.quality import schedule as s

D = dt.date


def test_by_publication_and_by_period_the_earlier_wins():
    # monthly, published 10 March 2026, covers 2026: due a month later
    assert s.next_due("bulanan", "2026", None, D(2026, 3, 10)) == D(2026, 4, 10)
    # yearly, covers 2025, published 1 June 2026: 2026's figures due by
    # 1 April 2027 (1 January 2027 + 3 months), before the anniversary (1 June 2027)
    assert s.next_due("tahunan", "2025", None, D(2026, 6, 1)) == D(2027, 4, 1)
    # yearly, covers 2020 (old data published late): already due long ago
    assert s.next_due("tahunan", "2018", "2020", D(2026, 6, 1)) == D(2022, 4, 1)
    # the grace is a setting
    assert s.next_due("tahunan", "2025", None, D(2026, 6, 1), grace_months=0) == D(2027, 1, 1)
    # quarterly covering 2026, published 31 Jan 2026: the day after 3 months (clamped)
    assert s.next_due("triwulanan", "2026", None, D(2026, 1, 31)) == D(2026, 4, 30)
    assert s.next_due("semesteran", None, None, D(2026, 1, 15)) == D(2026, 7, 15)
    assert s.next_due("mingguan", "2026", None, D(2026, 12, 1)) == D(2026, 12, 8)
    assert s.next_due("harian", "2026", None, D(2026, 12, 1)) == D(2026, 12, 2)


def test_no_due_date_for_ad_hoc_or_unpublished():
    assert s.next_due("ad_hoc", "2025", None, D(2026, 1, 1)) is None
    assert s.next_due("tahunan", "2025", None, None) is None
    assert s.next_due(None, "2025", None, D(2026, 1, 1)) is None
    assert s.next_due("tahunan", "tahun lalu", None, D(2026, 1, 1)) == D(2027, 1, 1)


def test_status_and_thresholds():
    due = D(2026, 12, 31)
    assert s.status(due, D(2026, 12, 1)) == s.OK            # 30 days left
    assert s.status(due, D(2026, 12, 17)) == s.SOON         # 14 days left
    assert s.status(due, due) == s.SOON                     # due today: not yet late
    assert s.status(due, D(2027, 1, 1)) == s.OVERDUE
    assert s.status(None, due) == s.NONE
    assert s.threshold(s.SOON) == "update_soon"
    assert s.threshold(s.OVERDUE) == "update_overdue"
    assert s.threshold(s.OK) is None


@given(st.sampled_from(sorted(s.INTERVALS)), st.integers(2000, 2030),
       st.dates(D(2000, 1, 1), D(2040, 12, 31)))
def test_due_is_after_publication_and_never_later_than_one_interval(freq, year, published):
    due = s.next_due(freq, str(year), None, published)
    assert due <= published + s.INTERVALS[freq]
    # the period bound never moves with the publication date
    assert due <= D(year + 1, 1, 1) + s.INTERVALS[freq] + relativedelta(months=3)
