#!/usr/bin/env python
"""Driver of ``scripts/bench_hostile_search``: times the hostile searches of
issue 16 through CKAN's real WSGI app (anonymous, ``POST
/api/3/action/package_search`` with a JSON body) and a ``status_show`` sent
from a second thread while each runs. Prints one Markdown row per case."""
from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time

CASES = {
    # 300 KB of `a*` terms (3 characters each with the space: 100,000 terms)
    "300 KB q of a* terms": lambda: ("a* " * 100_000)[:300_000],
    # 40,000 different words OR'd together
    "40,000 OR'd terms": lambda: " OR ".join("kata%d" % i for i in range(40_000)),
}


def timed(client, path, body=None):
    start = time.perf_counter()
    if body is None:
        resp = client.get(path)
    else:
        resp = client.post(path, data=json.dumps(body), content_type="application/json")
    elapsed = time.perf_counter() - start
    try:
        payload = resp.get_json() or {}
    except Exception:
        payload = {}
    error = payload.get("error") or {}
    message = error.get("message") or ""
    if not message and isinstance(error, dict):
        message = "; ".join("%s: %s" % (k, v) for k, v in error.items() if k != "__type")
    return resp.status_code, elapsed, message


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--no-bounds", action="store_true",
                        help="turn every search bound off (0) for the run")
    parser.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE",
                        help="a ckanext.satudata.search.* option for the run, e.g. "
                             "--set q_max_length=0 (repeatable)")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    conf = load_config(args.config)
    if args.no_bounds:
        for key in ("q_max_length", "fq_max_length", "max_clauses", "max_wildcards",
                    "wildcard_min_prefix", "max_depth", "statement_timeout"):
            conf["ckanext.satudata.search.%s" % key] = "0"
    for pair in args.set:
        key, _, value = pair.partition("=")
        conf["ckanext.satudata.search.%s" % key] = value
    app = make_app(conf)
    logging.getLogger("ckan").setLevel(logging.WARNING)
    logging.getLogger("ckanext").setLevel(logging.WARNING)
    flask_app = app._wsgi_app

    print("| case | q size | status | time (s) | status_show during it (s) | message |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, make_q in CASES.items():
        q = make_q()
        side: dict = {}

        def probe():
            time.sleep(0.5)  # let the search start first
            with flask_app.test_client() as c:
                side["status"], side["time"], _ = timed(c, "/api/3/action/status_show")

        thread = threading.Thread(target=probe)
        thread.start()
        with flask_app.test_client() as client:
            status, elapsed, message = timed(client, "/api/3/action/package_search",
                                             {"q": q, "rows": 10})
        thread.join()
        print("| %s | %d chars | %d | %.2f | %s | %s |" % (
            name, len(q), status, elapsed,
            "%.3f (%s)" % (side["time"], side["status"]) if side else "-",
            message[:160].replace("|", "/")))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
