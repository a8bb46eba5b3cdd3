"""ckanext.satudata.workflow.clock: office minutes, working days and legal deadlines
(SPEC "Workflow 1" SLA, "Workflow 2" rules). Pure: no database.

Reference dates (PyPI holidays 0.109, Indonesia):
  public 2026: ... 2026-05-14 Thu Ascension, 2026-08-17 Mon Independence,
               2026-12-25 Fri Christmas
  government (cuti bersama) 2026: 2026-03-20 Fri, 2026-03-23 Mon,
               2026-03-24 Tue (Eid al-Fitr), 2026-05-15 Fri (Ascension),
               2026-12-24 Thu (Christmas)
  public 2027: 2027-01-01 Fri New Year, 2027-01-05 Tue Isra' Mi'raj
"""
import datetime as dt

import pytest

from ckanext.satudata.workflow import clock
from ckanext.satudata.workflow.clock import WIB, WorkCalendar, calendar_from_config

CAL = WorkCalendar()
NO_CUTI = WorkCalendar(include_cuti_bersama=False)


def wib(*args):
    return dt.datetime(*args, tzinfo=WIB)


D = dt.date


# -- the holiday data these tests rely on -------------------------------------

def test_reference_holidays_of_the_package():
    import holidays

    public = holidays.Indonesia(years=[2026, 2027], categories=("public",))
    government = holidays.Indonesia(years=[2026, 2027], categories=("government",))
    for d in (D(2026, 8, 17), D(2026, 5, 14), D(2026, 12, 25),
              D(2027, 1, 1), D(2027, 1, 5)):
        assert d in public
    for d in (D(2026, 3, 20), D(2026, 3, 23), D(2026, 5, 15), D(2026, 12, 24)):
        assert d in government and d not in public
    # nothing else around the year boundary
    for d in (D(2026, 12, 28), D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31),
              D(2027, 1, 4), D(2027, 1, 6), D(2027, 1, 7), D(2027, 1, 8),
              D(2027, 1, 11), D(2027, 1, 12)):
        assert d not in public and d not in government


# -- days -----------------------------------------------------------------------

def test_defaults():
    assert CAL.office_start == dt.time(7, 30)
    assert CAL.office_end == dt.time(16, 0)
    assert CAL.office_days == frozenset({0, 1, 2, 3, 4})
    assert CAL.include_cuti_bersama is True
    assert CAL.extra_holidays == frozenset()
    assert CAL.extra_working_days == frozenset()


def test_weekends_and_national_holidays():
    assert CAL.is_working_day(D(2026, 7, 10))          # Friday
    assert not CAL.is_working_day(D(2026, 7, 11))      # Saturday
    assert not CAL.is_working_day(D(2026, 7, 12))      # Sunday
    assert not CAL.is_holiday(D(2026, 7, 11))          # a weekend is not a holiday
    assert CAL.is_holiday(D(2026, 8, 17))              # Independence Day, Monday
    assert not CAL.is_working_day(D(2026, 8, 17))
    assert NO_CUTI.is_holiday(D(2026, 8, 17))          # public holidays always count


def test_cuti_bersama_is_a_setting():
    for d in (D(2026, 3, 20), D(2026, 5, 15), D(2026, 12, 24)):
        assert CAL.is_holiday(d) and not CAL.is_working_day(d)
        assert not NO_CUTI.is_holiday(d) and NO_CUTI.is_working_day(d)


def test_extra_holidays_and_extra_working_days():
    cal = WorkCalendar(extra_holidays={D(2026, 7, 13)},
                       extra_working_days=[D(2026, 8, 17), D(2026, 12, 24)])
    assert isinstance(cal.extra_working_days, frozenset)
    assert cal.is_holiday(D(2026, 7, 13)) and not cal.is_working_day(D(2026, 7, 13))
    assert not cal.is_holiday(D(2026, 8, 17)) and cal.is_working_day(D(2026, 8, 17))
    assert cal.is_working_day(D(2026, 12, 24))         # cancels a cuti bersama too
    # extra_working_days only cancels holidays: a Saturday stays off
    sat = WorkCalendar(extra_working_days={D(2026, 7, 11)})
    assert not sat.is_working_day(D(2026, 7, 11))
    # unless Saturday is an office day
    six_days = WorkCalendar(office_days={0, 1, 2, 3, 4, 5})
    assert six_days.is_working_day(D(2026, 7, 11))
    assert not six_days.is_working_day(D(2026, 7, 12))


@pytest.mark.parametrize("kwargs", [
    {"office_start": dt.time(16), "office_end": dt.time(7, 30)},
    {"office_start": dt.time(8), "office_end": dt.time(8)},
    {"office_days": frozenset()},
    {"office_days": {7}},
    {"office_days": {"1"}},
    {"extra_holidays": {"2026-07-13"}},
])
def test_invalid_calendar(kwargs):
    with pytest.raises(ValueError):
        WorkCalendar(**kwargs)


def test_calendar_is_hashable():
    assert hash(WorkCalendar()) == hash(WorkCalendar(office_days=[4, 3, 2, 1, 0]))


# -- office minutes (SLA) -------------------------------------------------------

def test_office_minutes_across_a_weekend():
    # Friday 15:00 -> Monday 08:30: 60 on Friday + 60 on Monday
    assert CAL.office_minutes_between(wib(2026, 7, 10, 15), wib(2026, 7, 13, 8, 30)) == 120


def test_filed_friday_evening_is_not_overdue_monday_morning():
    # Friday 20:00 -> Monday 08:00 is 30 office minutes: a 30-minute SOP step
    # (e.g. "submit", "check availability") is not overdue yet
    filed = wib(2026, 7, 10, 20)
    assert CAL.office_minutes_between(filed, wib(2026, 7, 13, 8)) == 30
    assert CAL.office_minutes_between(filed, wib(2026, 7, 13, 7, 45)) == 15
    assert CAL.add_office_minutes(filed, 30) == wib(2026, 7, 13, 8)


def test_office_minutes_before_and_after_hours():
    day = (2026, 7, 14)                                # Tuesday
    assert CAL.office_minutes_between(wib(*day, 5), wib(*day, 7, 30)) == 0
    assert CAL.office_minutes_between(wib(*day, 16), wib(*day, 23)) == 0
    assert CAL.office_minutes_between(wib(*day, 6), wib(*day, 8)) == 30
    assert CAL.office_minutes_between(wib(*day, 15, 30), wib(*day, 18)) == 30
    assert CAL.office_minutes_between(wib(*day, 0), wib(*day, 23, 59)) == 510
    assert CAL.office_minutes_between(wib(*day, 9, 0, 59), wib(*day, 9, 2, 58)) == 1
    # a whole working week
    assert CAL.office_minutes_between(wib(2026, 7, 13), wib(2026, 7, 20)) == 5 * 510


def test_office_minutes_empty_or_reversed():
    t = wib(2026, 7, 14, 9)
    assert CAL.office_minutes_between(t, t) == 0
    assert CAL.office_minutes_between(t, t - dt.timedelta(hours=1)) == 0


def test_office_minutes_skip_national_holiday():
    # Friday 14 Aug 15:00 -> Tuesday 18 Aug 08:30; Monday 17 Aug is Independence Day
    start, end = wib(2026, 8, 14, 15), wib(2026, 8, 18, 8, 30)
    assert CAL.office_minutes_between(start, end) == 120
    worked = WorkCalendar(extra_working_days={D(2026, 8, 17)})
    assert worked.office_minutes_between(start, end) == 120 + 510


def test_office_minutes_skip_cuti_bersama():
    # Wed 13 May 15:00 -> Mon 18 May 08:00: Thu 14 Ascension (public),
    # Fri 15 cuti bersama
    start, end = wib(2026, 5, 13, 15), wib(2026, 5, 18, 8)
    assert CAL.office_minutes_between(start, end) == 60 + 30
    assert NO_CUTI.office_minutes_between(start, end) == 60 + 510 + 30


def test_office_minutes_extra_holiday():
    cal = WorkCalendar(extra_holidays={D(2026, 7, 13)})
    assert cal.office_minutes_between(wib(2026, 7, 10, 15), wib(2026, 7, 13, 16)) == 60
    assert cal.office_minutes_between(wib(2026, 7, 10, 15), wib(2026, 7, 14, 8, 30)) == 120


def test_naive_datetimes_are_utc():
    # 08:00 UTC = 15:00 WIB (Friday); 01:30 UTC = 08:30 WIB (Monday)
    start, end = dt.datetime(2026, 7, 10, 8), dt.datetime(2026, 7, 13, 1, 30)
    assert CAL.office_minutes_between(start, end) == 120
    # mixed naive and aware, and another zone
    assert CAL.office_minutes_between(start, wib(2026, 7, 13, 8, 30)) == 120
    utc = dt.timezone.utc
    assert CAL.office_minutes_between(
        dt.datetime(2026, 7, 10, 8, tzinfo=utc), end) == 120
    # 20:00 UTC Friday is already Saturday 03:00 WIB: add_working_days uses the WIB date
    assert CAL.add_working_days(dt.datetime(2026, 7, 10, 20), 1) == D(2026, 7, 13)
    assert CAL.add_working_days(dt.datetime(2026, 7, 9, 20), 1) == D(2026, 7, 13)
    assert CAL.add_working_days(dt.datetime(2026, 7, 9, 16, 59), 1) == D(2026, 7, 10)


def test_office_minutes_over_months():
    # 2026-01-01 (holiday) to 2026-04-01: count working days independently
    start, end = wib(2026, 1, 1), wib(2026, 4, 1)
    days = sum(1 for i in range(90)
               if CAL.is_working_day(D(2026, 1, 1) + dt.timedelta(days=i)))
    assert CAL.office_minutes_between(start, end) == days * 510
    # Jan..Mar 2026: 64 weekdays minus Jan 1, Jan 16, Feb 16, Feb 17,
    # Mar 18, Mar 19, Mar 20, Mar 23, Mar 24
    assert days == 64 - 9


def test_add_office_minutes():
    t = wib(2026, 7, 14, 15, 30)                      # Tuesday
    assert CAL.add_office_minutes(t, 0) == t
    assert CAL.add_office_minutes(t, 30) == wib(2026, 7, 14, 16)
    assert CAL.add_office_minutes(t, 120) == wib(2026, 7, 15, 9)
    # Friday 15:00 + 120 -> Monday 08:30; over Independence Day
    assert CAL.add_office_minutes(wib(2026, 7, 10, 15), 120) == wib(2026, 7, 13, 8, 30)
    assert CAL.add_office_minutes(wib(2026, 8, 14, 15), 120) == wib(2026, 8, 18, 8, 30)
    end = CAL.add_office_minutes(dt.datetime(2026, 7, 10, 8), 120)   # naive = UTC
    assert end == wib(2026, 7, 13, 8, 30) and end.tzinfo is WIB
    with pytest.raises(ValueError):
        CAL.add_office_minutes(t, -1)


def test_add_office_minutes_inverts_office_minutes_between():
    start = wib(2026, 3, 17, 14, 5)
    for minutes in (1, 30, 115, 510, 511, 3000):
        end = CAL.add_office_minutes(start, minutes)
        assert CAL.office_minutes_between(start, end) == minutes


# -- working days (legal deadlines) -------------------------------------------

def test_add_working_days_submission_day_does_not_count():
    # submitted Friday (any hour) -> 1 working day later is Monday
    assert CAL.add_working_days(wib(2026, 7, 10, 9), 1) == D(2026, 7, 13)
    assert CAL.add_working_days(wib(2026, 7, 10, 23, 59), 1) == D(2026, 7, 13)
    # submitted Saturday -> Monday too
    assert CAL.add_working_days(wib(2026, 7, 11, 10), 1) == D(2026, 7, 13)
    # 10 working days from Monday 6 July
    assert CAL.add_working_days(wib(2026, 7, 6, 10), 10) == D(2026, 7, 20)
    assert CAL.add_working_days(wib(2026, 7, 6, 10), 0) == D(2026, 7, 6)
    # a date works as well as a datetime
    assert CAL.add_working_days(D(2026, 7, 6), 10) == D(2026, 7, 20)
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2026, 7, 6), -1)


def test_add_working_days_skips_holiday():
    # Friday 14 Aug + 1: Monday 17 Aug is Independence Day
    assert CAL.add_working_days(wib(2026, 8, 14, 10), 1) == D(2026, 8, 18)


def test_deadline_across_the_year_boundary():
    # Request on Thu 2026-12-24 (itself cuti bersama; the day never counts),
    # 10 working days: 25 Dec Christmas, 26-27 weekend; 28, 29, 30, 31 Dec
    # (1-4); 1 Jan 2027 New Year, 2-3 weekend; 4 Jan (5); 5 Jan Isra' Mi'raj;
    # 6, 7, 8 Jan (6-8); 9-10 weekend; 11, 12 Jan (9, 10).
    due = CAL.add_working_days(wib(2026, 12, 24, 10), 10)
    assert due == D(2027, 1, 12)
    # extended once by 7 working days: 13, 14, 15, 18, 19, 20, 21 Jan
    assert CAL.add_working_days(due, 7) == D(2027, 1, 21)
    assert CAL.working_days_between(D(2026, 12, 24), due) == 10
    # submitted the day before (Wed 23 Dec): 24 Dec is cuti bersama, unless
    # cuti bersama is switched off
    assert CAL.add_working_days(wib(2026, 12, 23, 10), 10) == D(2027, 1, 12)
    assert NO_CUTI.add_working_days(wib(2026, 12, 23, 10), 10) == D(2027, 1, 11)
    # a cuti bersama decreed late for 31 Dec moves the deadline
    late = WorkCalendar(extra_holidays={D(2026, 12, 31)})
    assert late.add_working_days(wib(2026, 12, 24, 10), 10) == D(2027, 1, 13)


def test_working_days_between():
    fri, sat, mon, tue = D(2026, 7, 10), D(2026, 7, 11), D(2026, 7, 13), D(2026, 7, 14)
    assert CAL.working_days_between(fri, fri) == 0
    assert CAL.working_days_between(fri, sat) == 0
    assert CAL.working_days_between(fri, mon) == 1
    assert CAL.working_days_between(sat, mon) == 1
    assert CAL.working_days_between(fri, tue) == 2
    # overdue: negative, antisymmetric
    assert CAL.working_days_between(tue, fri) == -2
    assert CAL.working_days_between(mon, fri) == -1
    assert CAL.working_days_between(sat, fri) == 0
    # additive
    assert (CAL.working_days_between(fri, mon) + CAL.working_days_between(mon, tue)
            == CAL.working_days_between(fri, tue))
    # holidays in between: 14 Aug (Fri) -> 18 Aug (Tue) has only Tue
    assert CAL.working_days_between(D(2026, 8, 14), D(2026, 8, 18)) == 1
    # datetimes are taken as their WIB date
    assert CAL.working_days_between(wib(2026, 7, 10, 23), dt.datetime(2026, 7, 13, 20)) == 2
    # consistent with add_working_days
    for n in range(0, 30):
        assert CAL.working_days_between(fri, CAL.add_working_days(fri, n)) == n


def test_deadline_end():
    end = CAL.deadline_end(D(2027, 1, 12))
    assert end == wib(2027, 1, 12, 23, 59, 59, 999999)
    assert end.utcoffset() == dt.timedelta(hours=7)
    assert WorkCalendar.deadline_end(D(2027, 1, 12)) == end
    assert clock.iso_wib(end) == "2027-01-12T23:59:59+07:00"
    # the deadline day itself is not overdue, the next morning is
    assert wib(2027, 1, 12, 22) <= end < wib(2027, 1, 13, 0)


# -- config -------------------------------------------------------------------

def test_calendar_from_config_defaults():
    assert calendar_from_config({}) == WorkCalendar()
    # "key =" (empty) means the default
    assert calendar_from_config({
        clock.OPT_OFFICE_HOURS: "", clock.OPT_OFFICE_DAYS: " ",
        clock.OPT_CUTI_BERSAMA: "", clock.OPT_EXTRA_HOLIDAYS: ""}) == WorkCalendar()


def test_calendar_from_config_values():
    cal = calendar_from_config({
        "ckanext.satudata.office_hours": "08.00 - 15:30",
        "ckanext.satudata.office_days": "1 2 3 4 5 6",
        "ckanext.satudata.cuti_bersama": "false",
        "ckanext.satudata.extra_holidays": "2026-12-31, 2027-01-04",
        "ckanext.satudata.extra_working_days": "2026-08-17",
    })
    assert cal == WorkCalendar(
        office_start=dt.time(8), office_end=dt.time(15, 30),
        office_days=frozenset({0, 1, 2, 3, 4, 5}), include_cuti_bersama=False,
        extra_holidays=frozenset({D(2026, 12, 31), D(2027, 1, 4)}),
        extra_working_days=frozenset({D(2026, 8, 17)}))
    assert cal.is_working_day(D(2026, 7, 11))          # Saturday is an office day


def test_calendar_from_config_normalised_values():
    # what tk.config holds once CKAN applied the declaration (type: list / bool)
    cal = calendar_from_config({
        "ckanext.satudata.office_days": ["1", "3", "5"],
        "ckanext.satudata.cuti_bersama": False,
        "ckanext.satudata.extra_holidays": ["2026-12-31,2027-01-04", "2027-01-06"],
        "ckanext.satudata.extra_working_days": [],
    })
    assert cal.office_days == frozenset({0, 2, 4})
    assert cal.include_cuti_bersama is False
    assert cal.extra_holidays == frozenset({D(2026, 12, 31), D(2027, 1, 4), D(2027, 1, 6)})


@pytest.mark.parametrize("option, value", [
    ("ckanext.satudata.office_hours", "07:30"),
    ("ckanext.satudata.office_hours", "16:00-07:30"),
    ("ckanext.satudata.office_hours", "07:30-25:00"),
    ("ckanext.satudata.office_hours", "pagi-sore"),
    ("ckanext.satudata.office_days", "0 1 2"),
    ("ckanext.satudata.office_days", "Mon Tue"),
    ("ckanext.satudata.office_days", "8"),
    ("ckanext.satudata.cuti_bersama", "maybe"),
    ("ckanext.satudata.extra_holidays", "2026-02-30"),
    ("ckanext.satudata.extra_holidays", "31/12/2026"),
    ("ckanext.satudata.extra_working_days", "2026-8-17"),
])
def test_calendar_from_config_invalid(option, value):
    with pytest.raises(ValueError, match=option.replace(".", r"\.")):
        calendar_from_config({option: value})


@pytest.mark.ckan_config("ckanext.satudata.office_hours", "08:00-15:00")
@pytest.mark.ckan_config("ckanext.satudata.extra_holidays", "2026-07-13")
def test_calendar_from_ckan_config(ckan_config):
    cal = calendar_from_config()
    assert (cal.office_start, cal.office_end) == (dt.time(8), dt.time(15))
    assert cal.office_days == frozenset(range(5))
    assert cal.include_cuti_bersama is True
    assert cal.extra_holidays == frozenset({D(2026, 7, 13)})
