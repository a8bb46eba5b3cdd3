"""Kinerja SOP (/satudata/kinerja, Walidata team and sysadmins) and its
CSV/XLSX exports."""
from __future__ import annotations

import json

from flask import Blueprint, Response

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata import reports
from ckanext.satudata.reports import data, export, ppid, statistik
from ckanext.satudata.workflow import access

kinerja = Blueprint("satudata_kinerja", __name__)

REFUSED = ("Hanya tim Walidata yang dapat melihat Kinerja SOP / "
           "Only the Walidata team can see SOP performance")


def _guard(refused=REFUSED):
    try:
        tk.check_access("satudata_sla_report", access.page_context(), {})
    except tk.NotAuthorized:
        return tk.abort(403, refused)
    return None


def _filters():
    try:
        return data.parse_filters(tk.request.args)
    except data.BadFilter as e:
        return tk.abort(400, "Filter tidak valid / Invalid filter: %s" % e)


@kinerja.route("/satudata/kinerja")
def page():
    _guard()
    f = _filters()
    tables = data.all_tables(f)
    organizations = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active").order_by(
        model.Group.title).all()
    return tk.render("satudata_reports/kinerja.html", {
        "tables": tables, "filters": f, "args": f.query_args(),
        "number": reports.number, "month": reports.month_label,
        "charts": [dict(c, json=json.dumps(c)) for c in data.charts(tables)],
        "organizations": organizations,
    })


@kinerja.route("/satudata/kinerja/export/<table_id>.<fmt>")
def export_table(table_id, fmt):
    _guard()
    f = _filters()
    if fmt not in ("csv", "xlsx") or (table_id not in data.TABLES
                                      and not (table_id == "semua" and fmt == "xlsx")):
        return tk.abort(404, "Tabel tidak ditemukan / No such table")
    tables = data.all_tables(f) if table_id == "semua" else [data.table(table_id, f)]
    return download(tables, "kinerja-sop-%s" % table_id, fmt)


def download(tables, name, fmt):
    if fmt == "csv":
        body, mime = export.to_csv(tables[0], tk.h.lang()), "text/csv; charset=utf-8"
    else:
        body = export.to_xlsx(tables)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mime, headers={
        "Content-Disposition": 'attachment; filename="%s.%s"' % (name, fmt),
        "Cache-Control": "private, no-store"})


# -- Statistik Layanan: public, aggregates only (reports/statistik.py) ----------------

public_stats = Blueprint("satudata_statistik", __name__)


def _year():
    raw = (tk.request.args.get("tahun") or "").strip()
    if not raw:
        return statistik.years()[0]
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        return tk.abort(400, "Tahun tidak valid / Invalid year: %s" % raw[:10])
    return int(raw)


@public_stats.route("/permintaan-data/statistik")
def statistics_page():
    year = _year()
    tables = statistik.tables(year)
    return tk.render("satudata_reports/statistik.html", {
        "year": year, "years": statistik.years(), "tables": tables,
        "number": reports.number, "month": reports.month_label,
        "figures": tables["summary"]["figures"],
        "charts": [dict(c, json=json.dumps(c)) for c in statistik.charts(tables)],
    })


@public_stats.route("/permintaan-data/statistik/<table_id>.<fmt>")
def statistics_export(table_id, fmt):
    year = _year()
    tables = {t["id"]: t for t in statistik.tables(year).values()}
    if fmt not in ("csv", "xlsx") or (table_id not in tables
                                      and not (table_id == "semua" and fmt == "xlsx")):
        return tk.abort(404, "Tabel tidak ditemukan / No such table")
    chosen = list(tables.values()) if table_id == "semua" else [tables[table_id]]
    response = download(chosen, "statistik-layanan-%d-%s" % (year, table_id), fmt)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# -- PPID yearly report: Walidata team and sysadmins (reports/ppid.py) -------------------

PPID_REFUSED = ("Hanya tim Walidata dan sysadmin yang dapat melihat laporan tahunan PPID / "
                "Only the Walidata team and sysadmins can see the PPID yearly report")

@kinerja.route("/satudata/laporan-ppid")
def ppid_page():
    _guard(PPID_REFUSED)
    year = _year()
    result = ppid.report(year)
    template = "satudata_reports/ppid_print.html" if tk.request.args.get("cetak") \
        else "satudata_reports/ppid.html"
    return tk.render(template, {"report": result, "year": year, "years": statistik.years()})


@kinerja.route("/satudata/laporan-ppid/<int:year>.<fmt>")
def ppid_export(year, fmt):
    _guard(PPID_REFUSED)
    if fmt not in ("csv", "xlsx") or not 2000 <= year <= 2100:
        return tk.abort(404, "Tidak ditemukan / Not found")
    tables = ppid.report(year)["tables"]
    return download(tables, "laporan-ppid-%d" % year, fmt)
