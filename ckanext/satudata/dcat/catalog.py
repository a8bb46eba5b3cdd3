"""/catalog.* with any q/fq the Action API takes.

ckanext-dcat's ``dcat_catalog_show`` writes its hydra paging links by pasting
the request's q/fq into the IRI unencoded: a query with a space or a quote
made an IRI Turtle cannot write, and the page answered 500. The same catalogue
is built here with the paging links percent-encoded (registered as a chained
action in plugin.py). A query the search refuses is answered 400/409 in
views.py, as the API answers it.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk

_PAGE = re.compile(r"[?&]page=(\d+)$")
_PAGED_PARAMS = ("modified_since", "profiles", "q", "fq")  # what ckanext-dcat keeps


def _page_url(raw_url, base_url, params):
    """ckanext-dcat's link for a page, rebuilt with the request's parameters encoded."""
    found = _PAGE.search(raw_url or "")
    if not found:
        return raw_url
    return "%s?%s" % (base_url, urlencode(params + [("page", found.group(1))]))


@tk.chained_action
def dcat_catalog_show(up_func, context, data_dict):
    from ckanext.dcat import logic as dcat_logic
    from ckanext.dcat.processors import RDFSerializer
    from ckanext.dcat.utils import catalog_uri

    tk.check_access("dcat_catalog_show", context, data_dict)
    query = dcat_logic._search_ckan_datasets(context, data_dict)
    pagination = dcat_logic._pagination_info(query, data_dict)
    base_url = catalog_uri() + tk.request.path
    params = [(k, v) for k, v in tk.request.args.items() if k in _PAGED_PARAMS]
    for key in ("current", "first", "last", "next", "previous"):
        if pagination.get(key):
            pagination[key] = _page_url(pagination[key], base_url, params)
    serializer = RDFSerializer(profiles=data_dict.get("profiles"))
    return serializer.serialize_catalog({}, query["results"], _format=data_dict.get("format"),
                                        pagination_info=pagination)
