"""The working days of ckanext.satudata.workflow.clock, which come from the
``holidays`` package (``is_working_day``, ``get_nth_working_day``,
``get_working_days_count`` on a calendar with the regency's settings),
against a plain day-by-day reference over random dates and random settings.
Pure: no database."""
import datetime as dt

import holidays
import pytest
from hypothesis import given, settings, strategies as st

from ckanext.satudata.workflow import clock
from ckanext.satudata.workflow.clock import WorkCalendar

YEARS = range(2025, 2030)
FIRST, LAST = dt.date(2025, 1, 1), dt.date(2029, 12, 31)
NATIONAL = {
    True: set(holidays.Indonesia(years=YEARS, categories=("public", "government"))),
    False: set(holidays.Indonesia(years=YEARS, categories=("public",))),
}

dates = st.dates(min_value=FIRST, max_value=dt.date(2029, 6, 30))
calendars = st.builds(
    WorkCalendar,
    office_days=st.frozensets(st.integers(0, 6), min_size=1),
    include_cuti_bersama=st.booleans(),
    extra_holidays=st.frozensets(dates, max_size=20),
    extra_working_days=st.frozensets(
        st.sampled_from(sorted(NATIONAL[True])) | dates, max_size=10),
)


def reference_working_day(cal, d):
    if d.weekday() not in cal.office_days:
        return False
    if d in cal.extra_working_days:
        return True
    return d not in cal.extra_holidays and d not in NATIONAL[cal.include_cuti_bersama]


def reference_add(cal, start, days):
    d = start
    for _ in range(days):
        d += dt.timedelta(days=1)
        while not reference_working_day(cal, d):
            d += dt.timedelta(days=1)
    return d


def reference_between(cal, start, end):
    lo, hi, sign = (start, end, 1) if start <= end else (end, start, -1)
    return sign * sum(reference_working_day(cal, lo + dt.timedelta(days=i))
                      for i in range(1, (hi - lo).days + 1))


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=dates, span=st.integers(0, 60))
def test_working_days_match_a_day_by_day_count(cal, start, span):
    for i in range(span + 1):
        d = start + dt.timedelta(days=i)
        assert cal.is_working_day(d) == reference_working_day(cal, d), d
        assert cal.is_holiday(d) == (
            d not in cal.extra_working_days
            and (d in cal.extra_holidays or d in NATIONAL[cal.include_cuti_bersama])), d
    end = start + dt.timedelta(days=span)
    assert cal.working_days_between(start, end) == reference_between(cal, start, end)
    assert cal.working_days_between(end, start) == reference_between(cal, end, start)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=dates, days=st.integers(0, 25))
def test_deadlines_match_a_day_by_day_walk(cal, start, days):
    due = cal.add_working_days(start, days)
    assert due == reference_add(cal, start, days)
    assert cal.working_days_between(start, due) == days
    if days:
        assert cal.next_working_day(start) == reference_add(cal, start, 1)


@settings(max_examples=100, deadline=None)
@given(cal=calendars, start=dates, hour=st.integers(0, 23), days=st.integers(0, 15))
def test_a_datetime_counts_as_its_wib_date(cal, start, hour, days):
    # naive = UTC: from 17:00 UTC on it is already the next day in WIB
    moment = dt.datetime.combine(start, dt.time(hour))
    wib_day = start + dt.timedelta(days=1 if hour >= 17 else 0)
    assert cal.add_working_days(moment, days) == reference_add(cal, wib_day, days)
    assert cal.is_working_day(moment) == reference_working_day(cal, wib_day)


def test_weekend_holidays_and_working_days_do_not_make_a_weekend_work():
    # 2026-08-17 is a Monday holiday; Saturday 2026-07-11 an extra working day
    cal = WorkCalendar(extra_working_days={dt.date(2026, 7, 11), dt.date(2026, 8, 17)})
    assert not cal.is_working_day(dt.date(2026, 7, 11))
    assert cal.is_working_day(dt.date(2026, 8, 17))
    assert cal.add_working_days(dt.date(2026, 7, 10), 1) == dt.date(2026, 7, 13)


def test_calendars_with_other_settings_do_not_share_holidays():
    plain, late = WorkCalendar(), WorkCalendar(extra_holidays={dt.date(2026, 7, 13)})
    assert plain.is_working_day(dt.date(2026, 7, 13))
    assert not late.is_working_day(dt.date(2026, 7, 13))
    assert plain.is_working_day(dt.date(2026, 7, 13))


def test_config_is_parsed_once_per_setting(monkeypatch):
    calls = []
    real = clock.parse_office_hours
    monkeypatch.setattr(clock, "parse_office_hours",
                        lambda *a, **kw: calls.append(a) or real(*a, **kw))
    clock._calendar_of.cache_clear()
    config = {clock.OPT_OFFICE_HOURS: "08:00-15:00",
              clock.OPT_EXTRA_HOLIDAYS: ["2026-12-31", "2027-01-04"]}
    first = clock.calendar_from_config(config)
    assert clock.calendar_from_config(dict(config)) is first
    assert len(calls) == 1
    # another value is another calendar, and an invalid one still raises each time
    other = clock.calendar_from_config(dict(config, **{clock.OPT_OFFICE_HOURS: "08:00-16:00"}))
    assert other.office_end == dt.time(16) and first.office_end == dt.time(15)
    for _ in range(2):
        with pytest.raises(ValueError, match="office_days"):
            clock.calendar_from_config({clock.OPT_OFFICE_DAYS: "0"})
