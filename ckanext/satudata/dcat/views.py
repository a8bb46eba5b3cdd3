"""/sitemap.xml of the published datasets and the SDI topic concept scheme
(/dcat/topik), for search engines and DCAT harvesters."""
from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, request
from rdflib import Graph

import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError, SearchQueryError

from ckanext.satudata.dcat import vocab
from ckanext.satudata.dcat.profile import add_topic_scheme, site_url
from ckanext.satudata.i18n import bilingual

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


# /catalog.* passes q/fq to package_search as the Action API does, but
# ckanext-dcat's view turns only a ValidationError into an answer: a query the
# search refuses (syntax, an internal field for this caller) was a 500. Answered
# here as the API answers it: 400 for the query, 409 for a search over a bound.
INVALID_QUERY = "Invalid search query: {error_message}"


@dcat_extra.app_errorhandler(SearchError)
def search_refused(error):
    if not (request.endpoint or "").startswith(("dcat.", "dcat_json_interface.")):
        raise error  # elsewhere: as before (CKAN's own handling)
    if isinstance(error, SearchQueryError):
        detail = " ".join(str(a) for a in error.args) or type(error).__name__
        return Response(bilingual(INVALID_QUERY).format(error_message=detail) + "\n",
                        status=400, mimetype="text/plain")
    return Response(str(error) + "\n", status=409, mimetype="text/plain")


dcat_extra.add_url_rule("/sitemap.xml", view_func=sitemap)
dcat_extra.add_url_rule(vocab.TOPIC_SCHEME_PATH, view_func=topic_scheme)
dcat_extra.add_url_rule(vocab.TOPIC_SCHEME_PATH + "/<code>", view_func=topic_scheme)
