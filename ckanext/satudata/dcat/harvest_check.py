"""Harvest a Portal Satu Data the way the national catalogue or another CKAN
would, and report what arrives: ``scripts/harvest-check URL``.

1. CKAN Action API (PyPI ``ckanapi`` ``RemoteCKAN``, anonymous): ``package_search``
   paged over the whole catalogue, then incrementally (``fq=metadata_modified:[T TO *]``
   sorted by ``metadata_modified asc``, the cursor advancing to the last value seen).
2. DCAT: ``/catalog.ttl`` page by page, read with ckanext-dcat's ``RDFParser`` and
   the ``satudata`` profile.

Prints the counts, the datasets only one harvest saw, and the SDI fields missing
from each; exits 1 when the two harvests disagree or a required SDI field is missing.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from ckanext.satudata.dcat import vocab

ROWS = 100


def _client(url, user_agent="satudata-harvest-check/1.0"):
    from ckanapi import RemoteCKAN
    return RemoteCKAN(url.rstrip("/"), user_agent=user_agent)


def api_full(url, rows=ROWS):
    """Every dataset package_search returns to an anonymous caller, paged."""
    ckan = _client(url)
    found, start, count = {}, 0, None
    with ckan:
        while True:
            page = ckan.action.package_search(q="*:*", rows=rows, start=start,
                                              sort="name asc", include_private=True)
            count = page["count"]
            for d in page["results"]:
                found[d["id"]] = d
            start += rows
            if start >= count or not page["results"]:
                break
    return found, count


def api_incremental(url, since="1970-01-01T00:00:00Z", rows=ROWS):
    """Incremental harvest: everything modified at or after `since`, in
    metadata_modified order; returns (datasets, the cursor to use next time)."""
    ckan = _client(url)
    found, cursor = {}, since
    with ckan:
        while True:
            page = ckan.action.package_search(
                q="*:*", fq="metadata_modified:[%s TO *]" % _solr_date(cursor), rows=rows,
                start=0, sort="metadata_modified asc")
            new = [d for d in page["results"] if d["id"] not in found]
            for d in new:
                found[d["id"]] = d
            if not new or len(page["results"]) < rows:
                break
            cursor = page["results"][-1]["metadata_modified"]
    last = max((d["metadata_modified"] for d in found.values()), default=since)
    return found, last


def _solr_date(value):
    value = value.replace("+00:00", "Z")
    return value if value.endswith("Z") or value == "*" else value + "Z"


def dcat_catalog(url, max_pages=1000):
    """Datasets of /catalog.ttl (all pages), parsed by ckanext-dcat's RDFParser
    with the `satudata` profile; keyed by CKAN id (dct:identifier)."""
    import requests
    from ckanext.dcat.processors import RDFParser
    found = {}
    for page in range(1, max_pages + 1):
        response = requests.get("%s/catalog.ttl" % url.rstrip("/"), params={"page": page},
                                timeout=120)
        if response.status_code == 404 and page > 1:
            break
        response.raise_for_status()
        parser = RDFParser(profiles=["satudata"])
        parser.parse(response.content.decode("utf-8"), _format="turtle")  # Turtle is UTF-8
        datasets = list(parser.datasets())
        for d in datasets:
            ident = _extra(d, "identifier") or d.get("identifier") or _extra(d, "uri")
            found[ident] = d
        if not datasets or parser.next_page() is None:
            break
    return found


def _extra(d, key):
    return next((e["value"] for e in d.get("extras", []) if e["key"] == key), None)


def missing_fields(d, dcat=False):
    """SDI fields absent from a harvested dataset dict."""
    missing = [f for f in vocab.SDI_REQUIRED if not d.get(f)]
    if dcat:
        if not (d.get("organization") or {}).get("title"):
            missing.append("publisher")
    elif not d.get("owner_org"):
        missing.append("owner_org")
    return missing


def check(url, since=None, out=sys.stdout):
    """Run both harvests against `url`; returns a report dict (printed to `out`)."""
    full, count = api_full(url)
    incremental, cursor = api_incremental(url)
    dcat = dcat_catalog(url)
    report = {
        "portal": url,
        "api_count": count,
        "api_full": len(full),
        "api_incremental": len(incremental),
        "api_incremental_next_since": cursor,
        "dcat": len(dcat),
        "only_in_api": sorted(full[i]["name"] for i in set(full) - set(dcat)),
        "only_in_dcat": sorted(set(dcat) - set(full)),
        "incremental_differs": sorted(set(full) ^ set(incremental)),
        "private_in_api": sorted(d["name"] for d in full.values() if d.get("private")),
        "missing_api": {}, "missing_dcat": {}, "lost_in_dcat": {},
    }
    if since:
        report["api_since"] = len(api_incremental(url, since)[0])
    for key, harvested, is_dcat in (("missing_api", full, False), ("missing_dcat", dcat, True)):
        for ident, d in harvested.items():
            missing = missing_fields(d, dcat=is_dcat)
            if missing:
                report[key][d.get("name") or ident] = missing
    # optional SDI fields the API has but the DCAT harvest lost
    for ident, d in full.items():
        parsed = dcat.get(ident)
        if parsed is None:
            continue
        lost = [f for f in vocab.SDI_FIELDS if d.get(f)
                and str(parsed.get(f) or "") != str(d.get(f))]
        if lost:
            report["lost_in_dcat"][d["name"]] = lost
    report["ok"] = not (report["only_in_api"] or report["only_in_dcat"]
                        or report["incremental_differs"] or report["private_in_api"]
                        or report["missing_api"] or report["missing_dcat"]
                        or report["lost_in_dcat"] or count != len(full))
    _print(report, out)
    return report


def _print(r, out):
    w = lambda *a: print(*a, file=out)  # noqa: E731
    w("Portal: %s" % r["portal"])
    w("CKAN API package_search, full:        %d datasets (count %d)" % (r["api_full"], r["api_count"]))
    w("CKAN API package_search, incremental: %d datasets (next since=%s)"
      % (r["api_incremental"], r["api_incremental_next_since"]))
    if "api_since" in r:
        w("CKAN API package_search, since given: %d datasets" % r["api_since"])
    w("DCAT /catalog.ttl (RDFParser, satudata profile): %d datasets" % r["dcat"])
    for key, title in (("only_in_api", "only in the API harvest"),
                       ("only_in_dcat", "only in the DCAT harvest"),
                       ("incremental_differs", "full and incremental differ"),
                       ("private_in_api", "private datasets visible anonymously")):
        if r[key]:
            w("  %s: %s" % (title, ", ".join(r[key])))
    for key, title in (("missing_api", "API"), ("missing_dcat", "DCAT"),
                       ("lost_in_dcat", "DCAT lost (present in API)")):
        counts = Counter(f for fields in r[key].values() for f in fields)
        w("Missing SDI fields, %s: %s" % (
            title, ", ".join("%s (%d)" % kv for kv in sorted(counts.items())) or "none"))
    w("Result: %s" % ("OK" if r["ok"] else "PROBLEMS"))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="scripts/harvest-check", description=__doc__.split("\n\n")[0])
    ap.add_argument("url", help="portal base URL, e.g. http://127.0.0.1:5000")
    ap.add_argument("--since", help="also harvest incrementally from this ISO time")
    ap.add_argument("--json", action="store_true", help="print the report as JSON too")
    args = ap.parse_args(argv)
    report = check(args.url, since=args.since)
    if args.json:
        print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
