"""Kinerja SOP (/satudata/kinerja, Walidata team and sysadmins) and its
CSV/XLSX exports."""
from __future__ import annotations

import json

from flask import Blueprint, Response

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.reports import data, export

kinerja = Blueprint("satudata_kinerja", __name__)

REFUSED = ("Hanya tim Walidata yang dapat melihat Kinerja SOP / "
           "Only the Walidata team can see SOP performance")


def _context():
    return {"model": model, "user": tk.current_user.name
            if tk.current_user and tk.current_user.is_authenticated else ""}


def _guard():
    try:
        tk.check_access("satudata_sla_report", _context(), {})
    except tk.NotAuthorized:
        return tk.abort(403, REFUSED)
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
        body, mime = export.to_csv(tables[0]), "text/csv; charset=utf-8"
    else:
        body = export.to_xlsx(tables)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mime, headers={
        "Content-Disposition": 'attachment; filename="%s.%s"' % (name, fmt),
        "Cache-Control": "private, no-store"})


def get_blueprints():
    return [kinerja]
