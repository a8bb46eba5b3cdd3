"""Time as the SOPs count it: WIB (Asia/Jakarta, UTC+07:00), office hours and
working days.

This module is the single place that knows how the SOPs and the law count
time (SPEC "Workflow 1" SLA, "Workflow 2" UU 14/2008 art. 22 deadlines):

* SLA time of a step is counted in *office minutes*: only office hours
  (default 07:30-16:00 WIB) on working days (default Monday to Friday, minus
  Indonesian national holidays and, as a setting, cuti bersama), so a request
  filed on Friday evening is not overdue on Monday morning.
* Legal deadlines are counted in *working days* after the WIB date of
  submission; the deadline is the end of that day (WIB).

Everything here is pure: the settings live in a :class:`WorkCalendar` passed
in explicitly; :func:`calendar_from_config` is the only function that reads
CKAN's config (CKAN is imported lazily inside it).

Datetimes may be aware (any zone) or naive; naive datetimes mean UTC, as
everywhere in CKAN.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from typing import Any, Optional, Union
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")

_ONE_DAY = dt.timedelta(days=1)
# No calendar needs more than this many days to find its next working day;
# reaching it means the settings leave (almost) no working day at all.
_MAX_SCAN_DAYS = 3660


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def iso_wib(value: Optional[dt.datetime]) -> Optional[str]:
    """ISO 8601 with the +07:00 offset (SPEC "API contract"); naive means UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(WIB).isoformat(timespec="seconds")


def to_wib(value: dt.datetime) -> dt.datetime:
    """``value`` as an aware WIB datetime; naive means UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(WIB)


def wib_date(value: Union[dt.datetime, dt.date]) -> dt.date:
    """The WIB calendar date of a datetime (naive = UTC); a date is kept."""
    if isinstance(value, dt.datetime):
        return to_wib(value).date()
    return value


@functools.lru_cache(maxsize=1)
def _holiday_class():
    """The ``holidays`` calendar of the regency: Indonesian national holidays
    (category ``public``, plus ``government``: the cuti bersama, when asked
    for) with the configured extra holidays added and the extra working days
    taken out, year by year as the package populates it; the weekend is
    every day that is not an office day. Its ``is_working_day``,
    ``get_nth_working_day`` and ``get_working_days_count`` are the working
    days of :class:`WorkCalendar`. Built lazily: importing ``holidays`` is
    not free and most callers never need it."""
    import holidays
    from holidays.countries import Indonesia

    class RegencyHolidays(Indonesia):
        def __init__(self, office_days: frozenset[int], cuti_bersama: bool,
                     extra_holidays: frozenset[dt.date],
                     extra_working_days: frozenset[dt.date]) -> None:
            self.weekend = set(range(7)) - set(office_days)
            self._extra_holidays = extra_holidays
            self._extra_working_days = extra_working_days
            super().__init__(categories=(holidays.PUBLIC, holidays.GOVERNMENT)
                             if cuti_bersama else (holidays.PUBLIC,))

        def _populate(self, year: int) -> None:
            super()._populate(year)
            for d in self._extra_holidays:
                if d.year == year:
                    self[d] = "Libur tambahan"
            for d in self._extra_working_days:
                if d.year == year and d in self:
                    self.pop(d)
            # an extra working day only cancels a holiday: no weekend day works
            self.weekend_workdays = set()

    return RegencyHolidays


@functools.lru_cache(maxsize=64)
def _holidays_for(office_days: frozenset[int], cuti_bersama: bool,
                  extra_holidays: frozenset[dt.date],
                  extra_working_days: frozenset[dt.date]):
    """One populated-on-demand calendar per setting (calendars are built per
    request row; the years they have populated stay)."""
    return _holiday_class()(office_days, cuti_bersama, extra_holidays, extra_working_days)


@dataclasses.dataclass(frozen=True)
class WorkCalendar:
    """Office hours and working days (all in WIB).

    ``office_days`` are Python weekday numbers: Monday=0 ... Sunday=6 (the
    config option ``ckanext.satudata.office_days`` uses ISO numbers
    Monday=1 ... Sunday=7; :func:`calendar_from_config` converts).
    ``extra_holidays`` adds days off (e.g. a cuti bersama decreed after the
    ``holidays`` package was released); ``extra_working_days`` cancels a
    holiday of the list (the regency works that day). ``extra_working_days``
    only cancels holidays: a day outside ``office_days`` stays off.
    """

    office_start: dt.time = dt.time(7, 30)
    office_end: dt.time = dt.time(16, 0)
    office_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    include_cuti_bersama: bool = True
    extra_holidays: frozenset[dt.date] = frozenset()
    extra_working_days: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        # Accept any iterable for the set fields, store frozensets (hashable).
        for name in ("office_days", "extra_holidays", "extra_working_days"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value))
        for name in ("office_start", "office_end"):
            value = getattr(self, name)
            if not isinstance(value, dt.time) or value.tzinfo is not None:
                raise ValueError("%s must be a naive datetime.time (WIB)" % name)
        if self.office_end <= self.office_start:
            raise ValueError(
                "office hours end (%s) must be after their start (%s)"
                % (self.office_end, self.office_start))
        if not self.office_days:
            raise ValueError("office_days must not be empty")
        if any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6
               for d in self.office_days):
            raise ValueError(
                "office_days are weekday numbers Monday=0 ... Sunday=6, got %r"
                % sorted(self.office_days, key=str))
        for name in ("extra_holidays", "extra_working_days"):
            for d in getattr(self, name):
                if isinstance(d, dt.datetime) or not isinstance(d, dt.date):
                    raise ValueError("%s must hold dates, got %r" % (name, d))

    # -- days ---------------------------------------------------------------

    @property
    def _holidays(self):
        return _holidays_for(self.office_days, self.include_cuti_bersama,
                             self.extra_holidays, self.extra_working_days)

    def is_holiday(self, d: dt.date) -> bool:
        """A national holiday (plus cuti bersama if configured), or an extra
        holiday, and not an extra working day. Weekends are not holidays
        as such (see :meth:`is_working_day`)."""
        return wib_date(d) in self._holidays

    def is_working_day(self, d: dt.date) -> bool:
        """An office day of the week that is not a holiday."""
        return self._holidays.is_working_day(wib_date(d))

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after ``d``."""
        return self._holidays.get_nth_working_day(wib_date(d), 1)

    def add_working_days(self, start: Union[dt.datetime, dt.date], days: int) -> dt.date:
        """The legal deadline: the date ``days`` working days after the WIB
        date of ``start`` (a datetime, naive = UTC, or a date). The day of
        ``start`` itself never counts, whatever the hour and even if it is a
        working day: submitted on Friday, 1 working day later is Monday (if
        Monday is a working day). ``days=0`` returns the date of ``start``.
        The deadline is the end of the returned day, see :meth:`deadline_end`.
        """
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError("days must be a non-negative int, got %r" % (days,))
        d = wib_date(start)
        # get_nth_working_day(d, 0) would move a day off to the next working day
        return self._holidays.get_nth_working_day(d, days) if days else d

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``, e.g. the
        working days left from today (``start``) until a deadline (``end``).

        * ``end == start``: 0 (the deadline is today, if ``start`` is today);
        * ``end > start``: the working days in (start, end], >= 0;
        * ``end < start``: minus the working days in (end, start], <= 0 (how
          many working days a deadline has been passed by).

        So ``working_days_between(a, b) == -working_days_between(b, a)`` and
        ``between(a, b) + between(b, c) == between(a, c)``. Note that a past
        deadline can give 0 on a day off (e.g. on Saturday for a Friday
        deadline): whether something is overdue is ``now > deadline_end(d)``,
        this number is only its size. Datetimes are taken as their WIB date.
        """
        start, end = wib_date(start), wib_date(end)
        if end == start:
            return 0
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        return sign * _working_days_count(self, start, end)

    @staticmethod
    def deadline_end(d: dt.date) -> dt.datetime:
        """The last instant (23:59:59.999999 WIB, aware) of the day ``d``."""
        return dt.datetime.combine(wib_date(d), dt.time.max, tzinfo=WIB)

    # -- office minutes -----------------------------------------------------

    def _office_window(self, d: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return (dt.datetime.combine(d, self.office_start, tzinfo=WIB),
                dt.datetime.combine(d, self.office_end, tzinfo=WIB))

    def office_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Office time (office hours of working days, WIB) between two
        datetimes (naive = UTC); zero if ``end <= start``. One step per
        calendar day, so spans of months or years are cheap."""
        s, e = to_wib(start), to_wib(end)
        total = dt.timedelta(0)
        if e <= s:
            return total
        d, last = s.date(), e.date()
        while d <= last:
            if self.is_working_day(d):
                opens, closes = self._office_window(d)
                lo, hi = max(opens, s), min(closes, e)
                if hi > lo:
                    total += hi - lo
            d += _ONE_DAY
        return total

    def office_minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole minutes of office time between ``start`` and ``end`` (naive
        = UTC), rounded down; 0 if ``end <= start``. E.g. Friday 15:00 to
        Monday 08:30 WIB is 60 + 60 = 120 with the default calendar."""
        return int(self.office_time_between(start, end) // dt.timedelta(minutes=1))

    def add_office_minutes(self, start: dt.datetime, minutes: Union[int, float]) -> dt.datetime:
        """The aware WIB datetime at which ``minutes`` office minutes have
        passed since ``start`` (naive = UTC), e.g. when a step with a 30-minute
        SOP standard becomes overdue. Time outside office hours is skipped; a
        result that falls exactly on closing time stays there (it is not moved
        to the next opening). ``minutes=0`` returns ``start`` (in WIB)."""
        if isinstance(minutes, bool) or minutes < 0:
            raise ValueError("minutes must be >= 0, got %r" % (minutes,))
        s = to_wib(start)
        remaining = dt.timedelta(minutes=minutes)
        if not remaining:
            return s
        d = s.date()
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working_day(d):
                opens, closes = self._office_window(d)
                lo = max(opens, s)
                if closes > lo:
                    if remaining <= closes - lo:
                        return lo + remaining
                    remaining -= closes - lo
            d += _ONE_DAY
        raise ValueError("no working day within %d days after %s" % (_MAX_SCAN_DAYS, s))


# -- CKAN config adapter -----------------------------------------------------

OPT_OFFICE_HOURS = "ckanext.satudata.office_hours"
OPT_OFFICE_DAYS = "ckanext.satudata.office_days"
OPT_CUTI_BERSAMA = "ckanext.satudata.cuti_bersama"
OPT_EXTRA_HOLIDAYS = "ckanext.satudata.extra_holidays"
OPT_EXTRA_WORKING_DAYS = "ckanext.satudata.extra_working_days"

_DEFAULTS: dict[str, Any] = {
    OPT_OFFICE_HOURS: "07:30-16:00",
    OPT_OFFICE_DAYS: "1 2 3 4 5",
    OPT_CUTI_BERSAMA: True,
    OPT_EXTRA_HOLIDAYS: "",
    OPT_EXTRA_WORKING_DAYS: "",
}

_TIME_RE = r"(\d{1,2})[:.](\d{2})"
_HOURS_RE = re.compile(r"^\s*%s\s*[-\u2013\u2014]\s*%s\s*$" % (_TIME_RE, _TIME_RE))
_TRUE = {"true", "yes", "on", "1", "y", "t", "ya"}
_FALSE = {"false", "no", "off", "0", "n", "f", "tidak"}


def _items(option: str, value: Any) -> list[str]:
    """A list option's items: a string separated by spaces and/or commas, or a
    list (CKAN's ``type: list`` already split on spaces) of such strings."""
    if value is None:
        return []
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise ValueError("%s: expected a list, got %r" % (option, value))
    out: list[str] = []
    for item in value:
        out.extend(p for p in re.split(r"[\s,;]+", str(item)) if p)
    return out


def parse_office_hours(value: Any, option: str = OPT_OFFICE_HOURS) -> tuple[dt.time, dt.time]:
    """``"07:30-16:00"`` (or ``07.30-16.00``) -> (07:30, 16:00)."""
    m = _HOURS_RE.match(str(value)) if isinstance(value, str) else None
    if not m:
        raise ValueError("%s: expected office hours as HH:MM-HH:MM (WIB), got %r"
                         % (option, value))
    try:
        start = dt.time(int(m.group(1)), int(m.group(2)))
        end = dt.time(int(m.group(3)), int(m.group(4)))
    except ValueError:
        raise ValueError("%s: invalid time in %r" % (option, value)) from None
    if end <= start:
        raise ValueError("%s: office hours must end after they start, got %r"
                         % (option, value))
    return start, end


def parse_office_days(value: Any, option: str = OPT_OFFICE_DAYS) -> frozenset[int]:
    """ISO weekday numbers (Monday=1 ... Sunday=7), e.g. ``"1 2 3 4 5"`` ->
    Python weekdays (Monday=0) ``{0, 1, 2, 3, 4}``."""
    days = set()
    for item in _items(option, value):
        if not item.isdigit() or not 1 <= int(item) <= 7:
            raise ValueError(
                "%s: expected ISO weekday numbers Monday=1 ... Sunday=7, got %r"
                % (option, value))
        days.add(int(item) - 1)
    if not days:
        raise ValueError("%s: at least one office day is needed" % option)
    return frozenset(days)


def parse_bool(value: Any, option: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("%s: expected true or false, got %r" % (option, value))


def parse_dates(value: Any, option: str) -> frozenset[dt.date]:
    """ISO dates (``YYYY-MM-DD``) separated by spaces and/or commas."""
    dates = set()
    for item in _items(option, value):
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", item):
                raise ValueError(item)
            dates.add(dt.date.fromisoformat(item))
        except ValueError:
            raise ValueError("%s: expected ISO dates YYYY-MM-DD, got %r"
                             % (option, item)) from None
    return frozenset(dates)


def calendar_from_config(config: Optional[Any] = None) -> WorkCalendar:
    """The :class:`WorkCalendar` of the CKAN config (``tk.config`` by
    default; any mapping with ``.get`` works). Options are declared in
    config_declaration.yaml (group "ckanext-satudata — office hours and
    working days"). An invalid value raises ValueError naming the option."""
    if config is None:
        import ckan.plugins.toolkit as tk
        import flask

        # asked for every row of a work list (500 rows: ~40 ms of config
        # look-ups): read once per web request, whose config does not change
        if flask.has_request_context():
            kept = getattr(flask.g, "_satudata_calendar", None)
            if kept is None:
                kept = flask.g._satudata_calendar = calendar_from_config(tk.config)
            return kept
        config = tk.config

    def get(option: str) -> Any:
        value = config.get(option)
        # unset, or set to nothing ("key =" in ckan.ini): the default
        if value is None or (isinstance(value, str) and not value.strip()):
            return _DEFAULTS[option]
        return value

    return _calendar_of(tuple(_hashable(get(option)) for option in _OPTIONS))


_OPTIONS = (OPT_OFFICE_HOURS, OPT_OFFICE_DAYS, OPT_CUTI_BERSAMA, OPT_EXTRA_HOLIDAYS,
            OPT_EXTRA_WORKING_DAYS)


def _hashable(value: Any) -> Any:
    """A config value as a key of :func:`_calendar_of` (lists become tuples;
    what is neither a list nor hashable is invalid anyway: its repr)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ("list",) + tuple(str(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


@functools.lru_cache(maxsize=4096)
def _working_days_count(calendar: WorkCalendar, start: dt.date, end: dt.date) -> int:
    """Working days in (start, end] of a calendar (frozen, so a key): the
    request board asks it for every open request, mostly the same few dates."""
    # get_working_days_count counts the closed interval [start + 1, end]
    return calendar._holidays.get_working_days_count(start + _ONE_DAY, end)


@functools.lru_cache(maxsize=16)
def _calendar_of(values: tuple) -> WorkCalendar:
    """The calendar of the raw option values, parsed once per distinct
    setting: the calendar is asked for on every request row and SLA shown.
    (An invalid value raises every time: exceptions are not cached.)"""
    hours, days, cuti, extra_holidays, extra_working_days = (
        list(v[1:]) if isinstance(v, tuple) else v for v in values)
    start, end = parse_office_hours(hours)
    return WorkCalendar(
        office_start=start,
        office_end=end,
        office_days=parse_office_days(days),
        include_cuti_bersama=parse_bool(cuti, OPT_CUTI_BERSAMA),
        extra_holidays=parse_dates(extra_holidays, OPT_EXTRA_HOLIDAYS),
        extra_working_days=parse_dates(extra_working_days, OPT_EXTRA_WORKING_DAYS),
    )
