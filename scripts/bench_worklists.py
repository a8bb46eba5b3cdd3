"""The staff's work lists with many items waiting (issue 28): the review
queue, the request board, the dashboard that holds both, and a page with the
header's badge, as the Subkoord, each rendered in process through CKAN's app.

    python scripts/bench_worklists.py --config PORTAL.ini [--items 500] \
        [--renders 50] [--json out.json]

First it makes sure `--items` datasets wait for the Subkoord (new datasets of
the demo OPDs, at `konsep`, which the Subkoord assigns) and `--items` data
requests are open (filed as citizens, labelled sample data); both are made
through the portal's own actions, once per database. Then each page is asked
for three times to warm up and `--renders` times measured: wall time p50 and
p95 and SQL statements, beside anonymous `package_show` in the same run (the
yardstick: the machine's speed moves from hour to hour)."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

SAMPLE = "Data contoh untuk uji beban (sample data)."


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _seed(items: int) -> dict:
    """Datasets waiting for the Subkoord and open requests, up to `items` each."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.satudata.requests import board
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    subkoord = model.User.get("subkoord")
    waiting = len(tk.get_action("satudata_review_queue")({"user": subkoord.name}, {}))
    opds = [g for g in model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active")
        .order_by(model.Group.name)]
    made = 0
    started = time.time()
    while waiting + made < items:
        n = waiting + made
        opd = opds[n % len(opds)]
        tk.get_action("package_create")({"user": site}, {
            "name": "antrian-uji-%05d" % n, "title": "Antrian uji %d (sample data)" % n,
            "notes": SAMPLE, "owner_org": opd.id, "topic": "ekonomi_industri",
            "update_frequency": "tahunan", "period_start": "2025",
            "presentation_level": "kabupaten", "unit": "unit", "classification": "terbuka"})
        made += 1
    requests_open = len(board.open_for(subkoord.id, False, limit=100000))
    filed = 0
    while requests_open + filed < items:
        n = requests_open + filed
        tk.get_action("satudata_request_create")({"user": "", "ignore_auth": False}, {
            "name": "Pemohon Uji %d" % n, "email": "pemohon-uji-%d@example.org" % n,
            "title": "Permintaan uji %d (sample data)" % n, "description": SAMPLE,
            "purpose": "Uji beban", "format": "CSV"})
        filed += 1
    model.repo.commit()
    return {"datasets_made": made, "requests_filed": filed,
            "seconds": round(time.time() - started, 1)}


def measure(config: str, items: int, renders: int) -> dict:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    conf = load_config(config)
    app = make_app(conf)
    with app._wsgi_app.test_request_context():
        seeded = _seed(items)
        import ckan.plugins.toolkit as tk
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        token = tk.get_action("api_token_create")(
            {"user": site}, {"user": "subkoord", "name": "bench-worklists"})["token"]
        import ckan.model as model
        from ckanext.satudata.requests import board
        subkoord = model.User.get("subkoord")
        in_queue = len(tk.get_action("satudata_review_queue")({"user": "subkoord"}, {}))
        open_requests = len(board.open_for(subkoord.id, False, limit=100000))
        some = model.Session.query(model.Package.name).filter(
            model.Package.private.is_(False), model.Package.state == "active").first()[0]
        model.Session.remove()
    client = app.test_client()
    staff = {"Authorization": token}
    pages = [
        ("API package_show (anonymous, yardstick)", "/api/3/action/package_show?id=" + some, {}),
        ("review queue page", "/satudata/antrian-review", staff),
        ("API satudata_review_queue", "/api/3/action/satudata_review_queue", staff),
        ("request board page", "/satudata/permintaan", staff),
        ("dashboard (both lists)", "/dashboard/", staff),
        ("a dataset page with the header's badge", "/dataset/" + some, staff),
    ]
    out = {"items_waiting": in_queue, "requests_open": open_requests, "seeded": seeded,
           "pages": {}}
    from bench_pages import render_each   # scripts/: the same render loop, wall time
    for label, (status, wall, counts) in render_each(client, pages, renders,
                                                     clock=time.perf_counter).items():
        out["pages"][label] = {"status": status} if status != 200 else {
            "status": 200, "statements": max(counts),
            "p50_ms": round(statistics.median(wall), 1),
            "p95_ms": round(_percentile(wall, 0.95), 1)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--json")
    args = parser.parse_args()
    result = measure(args.config, args.items, args.renders)
    yard = result["pages"]["API package_show (anonymous, yardstick)"].get("p95_ms")
    print("%d datasets wait for the Subkoord, %d requests open (seeded now: %s)\n" % (
        result["items_waiting"], result["requests_open"], result["seeded"]))
    print("| page (as the Subkoord) | statements | p50 ms | p95 ms | p95 ÷ package_show p95 |")
    print("|---|---:|---:|---:|---:|")
    failed = False
    for label, page in result["pages"].items():
        if page.get("status") != 200:
            failed = True
            print("| %s | HTTP %s | | | NOT A RESULT |" % (label, page.get("status")))
            continue
        print("| %s | %d | %.1f | %.1f | %.1f |" % (label, page["statements"], page["p50_ms"],
                                                   page["p95_ms"], page["p95_ms"] / yard))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    sys.exit(main())
