"""A chart of a tabular resource from its DataStore table (Chart.js).

The default chart is chosen from what the table means, not from its column
types: a year or another period (tahun, bulan, semester, triwulan…) is a
key of the table (the x axis or a filter), never a measure; codes and ids
(kode_wilayah, BPS/Kemendagri codes, `_id`) are never plotted; a long
table (kecamatan × tahun × nilai) is drawn for one year at a time, the
latest first, with a year selector. `chart_plan` is that choice, a pure
function of the columns, the rows and the dataset's metadata; the page
hands its result to theme/assets/chart_view.js, which only draws it."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Callable, Iterable, Optional

import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import N_

# rows read for the chart; a larger table is charted from its first rows (said so)
MAX_ROWS = 5000

YEAR_WORDS = {"tahun", "thn", "th", "year", "yr"}
# periods shorter than a year; their values' order in the table is their order
SUB_PERIOD_WORDS = {"bulan", "bln", "month", "semester", "smt", "triwulan", "tw", "kuartal",
                    "quarter", "caturwulan", "periode", "period", "tanggal", "tgl", "date",
                    "minggu", "week", "pekan"}
CODE_WORDS = {"id", "kode", "kd", "code", "nip", "nik", "nib", "npsn", "no", "nomor", "nomer",
              "uuid", "bps", "kemendagri", "idx", "urut"}
# a measure called only "value" says nothing: the dataset's metadata names it
GENERIC_MEASURES = {"nilai", "value", "jumlah", "total", "angka", "data", "capaian", "realisasi"}

PERIOD_TYPES = ("timestamp", "date", "time")
NUMERIC_TYPES = ("int", "float", "numeric", "double", "real", "decimal", "bigint", "smallint")


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]


def _number(value: Any) -> Optional[float]:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _plain(value: Any) -> Any:
    """A figure as JSON carries it: whole numbers as ints."""
    number = _number(value)
    if number is None:
        return None
    return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number


def _label(value: Any) -> str:
    number = _number(value)
    if number is not None and number.is_integer() and not str(value).strip().startswith("0"):
        return str(int(number))
    return "" if value is None else str(value).strip()


def code_like_values(values: list[Any]) -> bool:
    """Identifiers rather than amounts: leading zeros, dotted codes
    (35.10.01), or unique digit strings of one width sharing a prefix (the
    BPS codes of one regency's kecamatan: 3510010, 3510020…)."""
    # a number the DataStore typed is shown as the number it is (12.0 → "12")
    texts = [_label(v) if not isinstance(v, str) else v.strip()
             for v in values if v not in (None, "")]
    if not texts:
        return False
    # 35.10.01, 35-10-01 (one dot alone is a decimal figure)
    if all(re.fullmatch(r"\d+(?:(?:\.\d+){2,}|(?:-\d+)+)", t) for t in texts):
        return True
    if not all(re.fullmatch(r"\d+", t) for t in texts):
        return False
    if any(len(t) > 1 and t.startswith("0") for t in texts):
        return True
    width = len(texts[0])
    # BPS codes of a kecamatan or desa are 7 or 10 digits; small figures are not codes
    if len(texts) < 3 or width < 6 or any(len(t) != width for t in texts) \
            or len(set(texts)) != len(texts):
        return False
    prefix = 0
    while prefix < width and len({t[prefix] for t in texts}) == 1:
        prefix += 1
    return prefix >= width // 2


def column_role(field: dict[str, Any], values: list[Any]) -> str:
    """'year', 'period', 'code', 'measure' or 'category' for one column."""
    name, kind = field["id"], (field.get("type") or "text").lower()
    words = _words(name)
    if name == "_id" or set(words) & CODE_WORDS or (words and words[0].startswith("kode")):
        return "code"
    if set(words) & YEAR_WORDS:
        return "year"
    if set(words) & SUB_PERIOD_WORDS or kind.startswith(PERIOD_TYPES):
        return "period"
    present = [v for v in values if v not in (None, "")]
    if code_like_values(present):
        return "code"
    numeric = kind.startswith(NUMERIC_TYPES) or (
        bool(present) and all(_number(v) is not None for v in present))
    return "measure" if numeric else "category"


def _humanize(name: str) -> str:
    text = re.sub(r"[_\s]+", " ", name).strip()
    return text[:1].upper() + text[1:]


def _distinct(values: Iterable[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(_label(v), None)
    return [v for v in seen if v != ""]


def _year_key(label: str) -> tuple[int, float, str]:
    number = _number(label)
    return (0, number, label) if number is not None else (1, 0.0, label)


def chart_plan(fields: list[dict[str, Any]], records: list[dict[str, Any]],
               metadata: Optional[dict[str, Any]] = None, preferred: str = "",
               gettext: Callable[[str], str] = lambda s: s) -> dict[str, Any]:
    """The default chart of a table: what is plotted, against what, for
    which period, and the words a reader quotes it by.

    `metadata`: the dataset's `title`, `unit` and `measurement` (SDI),
    naming a measure whose column is only "nilai". Returns
    {"type", "title", "x_title", "y_title", "measures", "category",
    "selector", "selector_title", "options", "selected", "charts": {option:
    {"labels", "datasets": [{"label", "data"}]}}} or {"error": ...}."""
    _ = gettext
    metadata = metadata or {}
    fields = [f for f in fields if f.get("id") and f["id"] != "_id"]
    roles = {f["id"]: column_role(f, [r.get(f["id"]) for r in records]) for f in fields}
    by_role: dict[str, list[str]] = {}
    for f in fields:
        by_role.setdefault(roles[f["id"]], []).append(f["id"])
    measures = by_role.get("measure", [])
    if preferred in measures:
        measures = [preferred]
    if not measures or not records:
        return {"error": _("This table has no figure to chart."), "roles": roles}

    year = (by_role.get("year") or [None])[0]
    sub_periods = by_role.get("period", [])
    category = (by_role.get("category") or [None])[0]
    unit = (metadata.get("unit") or "").strip()

    def measure_label(column: str) -> str:
        if len(measures) == 1 and set(_words(column)) <= GENERIC_MEASURES:
            name = (metadata.get("measurement") or "").strip() or _humanize(column)
        else:
            name = _humanize(column)
        return "%s (%s)" % (name, unit) if unit and len(measures) == 1 else name

    def datasets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"label": measure_label(m), "column": m,
                 "data": [_plain(r.get(m)) for r in rows]} for m in measures]

    years = sorted(_distinct(r.get(year) for r in records), key=_year_key) if year else []
    plan: dict[str, Any] = {"measures": measures, "roles": roles, "category": category,
                            "y_title": measure_label(measures[0]) if len(measures) == 1
                            else unit, "selector": None, "options": [""], "selected": ""}
    charts: dict[str, dict[str, Any]] = {}

    if category:
        # categories on the x axis; each period of the table a chart of its own
        plan["type"] = "bar"
        plan["x_title"] = _humanize(category)
        selector = year or (sub_periods[0] if sub_periods else None)
        options = years if year else (_distinct(r.get(selector) for r in records)
                                      if selector else [""])
        for option in options:
            rows = [r for r in records if not selector or _label(r.get(selector)) == option]
            when = option
            # a shorter period inside the year (bulan): its latest one in the table
            for column in sub_periods:
                if column == selector:
                    continue
                latest = _distinct(r.get(column) for r in rows)[-1:]
                if latest:
                    rows = [r for r in rows if _label(r.get(column)) == latest[0]]
                    when = ("%s %s" % (latest[0], when)).strip()
            kept: dict[str, dict[str, Any]] = {}
            for r in rows:  # one bar per category (the first row of each)
                kept.setdefault(_label(r.get(category)), r)
            rows = list(kept.values())
            charts[option] = {"labels": list(kept), "datasets": datasets(rows), "when": when}
        if selector and len(options) > 1:
            plan["selector"] = selector
            plan["selector_title"] = _("Year") if selector == year else _humanize(selector)
        plan["options"] = options
        plan["selected"] = options[-1]
    elif year or sub_periods:
        # a time series: the periods in order, the year on every label when
        # the table spans several
        plan["type"] = "line" if len(records) > 4 else "bar"
        plan["x_title"] = _humanize((sub_periods or [year])[0])
        rows = sorted(records, key=lambda r: _year_key(_label(r.get(year)))) if year else records
        labels = []
        for r in rows:
            parts = [_label(r.get(c)) for c in sub_periods]
            if year and len(years) > 1 or (year and not sub_periods):
                parts.append(_label(r.get(year)))
            labels.append(" ".join(p for p in parts if p))
        when = ("%s – %s" % (labels[0], labels[-1]) if len(set(labels)) > 1 else labels[0])
        if year and len(years) == 1 and sub_periods:
            when = years[0]
        charts[""] = {"labels": labels, "datasets": datasets(rows), "when": when}
    else:
        plan["type"] = "bar"
        plan["x_title"] = _("Row")
        charts[""] = {"labels": [str(i + 1) for i in range(len(records))],
                      "datasets": datasets(records), "when": ""}

    if len(measures) == 1 and set(_words(measures[0])) <= GENERIC_MEASURES \
            and metadata.get("title"):
        what = metadata["title"]
    else:
        what = ", ".join(_humanize(m) for m in measures)
        if category:
            what = _("%(measure)s by %(category)s") % {"measure": what,
                                                       "category": _humanize(category)}
    for chart in charts.values():
        chart["title"] = "%s, %s" % (what, chart["when"]) if chart["when"] else what
    plan["charts"] = charts
    plan["title"] = charts[plan["selected"]]["title"]
    return plan


# strings chart_plan shows, for the catalogue (it takes gettext as an argument)
_STRINGS = (N_("This table has no figure to chart."), N_("Year"), N_("Row"),
            N_("%(measure)s by %(category)s"))


def info() -> dict[str, Any]:
    return {"name": "satudata_chart", "title": tk._("Chart"), "icon": "chart-bar",
            "default_title": tk._("Chart"), "iframed": True, "always_available": False,
            "requires_datastore": True, "preview_enabled": True,
            "schema": {"label_field": [tk.get_validator("ignore_missing")],
                       "value_field": [tk.get_validator("ignore_missing")]}}


def can_view(data_dict: dict[str, Any]) -> bool:
    return bool(data_dict["resource"].get("datastore_active"))


def template_variables(data_dict: dict[str, Any]) -> dict[str, Any]:
    """The chart's plan, read as the visitor (datastore_search's own
    authorisation: a table the visitor may not read gives no chart)."""
    resource, view = data_dict["resource"], data_dict["resource_view"]
    package = data_dict.get("package") or {}
    try:
        found = tk.get_action("datastore_search")(
            {}, {"resource_id": resource["id"], "limit": MAX_ROWS})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        plan: dict[str, Any] = {"error": tk._("The chart could not be drawn from this data.")}
    else:
        plan = chart_plan(found["fields"], found["records"],
                          {"title": package.get("title") or resource.get("name") or "",
                           "unit": package.get("unit") or "",
                           "measurement": package.get("measurement") or ""},
                          preferred=view.get("value_field") or "", gettext=tk._)
        # a larger table is charted from its first rows, and says so
        plan["partial"] = (len(found["records"])
                           if found.get("total", 0) > len(found["records"]) else 0)
    return {"resource": resource, "resource_view": view, "plan": plan}
