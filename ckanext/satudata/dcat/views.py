"""/sitemap.xml of the published datasets and the SDI topic concept scheme
(/dcat/topik), for search engines and DCAT harvesters."""
from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response
from rdflib import Graph

import ckan.plugins.toolkit as tk

from ckanext.satudata.dcat import vocab
from ckanext.satudata.dcat.profile import add_topic_scheme, site_url

dcat_extra = Blueprint("satudata_dcat", __name__)

PAGE = 1000


def published_datasets():
    """Every dataset an anonymous visitor can find: only `terbit` ones are public
    (the workflow keeps the rest private), searched as the anonymous user."""
    start = 0
    while True:
        result = tk.get_action("package_search")(
            {"user": "", "ignore_auth": False},
            {"q": "*:*", "rows": PAGE, "start": start, "sort": "metadata_modified desc",
             "include_private": False, "fl": "name,metadata_modified"})
        for row in result["results"]:
            yield row
        start += PAGE
        if start >= result["count"] or not result["results"]:
            return


def sitemap():
    base = site_url()
    urls = ["<url><loc>%s/</loc></url>" % escape(base),
            "<url><loc>%s/dataset/</loc></url>" % escape(base)]
    for row in published_datasets():
        modified = (row.get("metadata_modified") or "")[:10]
        urls.append("<url><loc>%s/dataset/%s</loc>%s</url>" % (
            escape(base), escape(row["name"]),
            "<lastmod>%s</lastmod>" % modified if modified else ""))
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n%s\n</urlset>\n'
            % "\n".join(urls))
    return Response(body, mimetype="application/xml")


def topic_scheme(code=None):
    if code is not None and code not in vocab.TOPIC_EU_THEME:
        return tk.abort(404)
    g = Graph()
    g.bind("skos", "http://www.w3.org/2004/02/skos/core#")
    g.bind("dct", "http://purl.org/dc/terms/")
    add_topic_scheme(g)
    return Response(g.serialize(format="turtle"), mimetype="text/turtle")


dcat_extra.add_url_rule("/sitemap.xml", view_func=sitemap)
dcat_extra.add_url_rule(vocab.TOPIC_SCHEME_PATH, view_func=topic_scheme)
dcat_extra.add_url_rule(vocab.TOPIC_SCHEME_PATH + "/<code>", view_func=topic_scheme)
