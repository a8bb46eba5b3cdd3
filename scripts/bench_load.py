"""Load scenarios for scripts/bench_load (a locustfile), and its two helpers:
`--hostile URL` (status_show latency while four hostile searches run) and
`--report DIR` (the Markdown table and JSON from locust's CSV output).

Users, weighted like a day of the portal: visitors browsing /dataset and
dataset pages, harvesters paging the API, citizens filing data requests
(429 after the rate limit is the expected answer), and staff reading their
review queue and workflow panels. BENCH_MODE=baseline (stock CKAN with only
the satudata_search plugin of this package) leaves out what only the
extension answers: data requests and the staff's workflow actions."""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.request

MODE = os.environ.get("BENCH_MODE", "portal")
STAFF_TOKEN = os.environ.get("BENCH_STAFF_TOKEN", "")

try:
    from locust import HttpUser, between, events, task
except ImportError:  # run as a plain script by the CKAN venv's python
    HttpUser = None

if HttpUser is not None:
    _names: list[str] = []
    _weights: list[float] = []
    _resources: dict[str, str] = {}   # dataset name -> a resource id
    _with_resources: list[str] = []   # in popularity order

    # Visitors pick datasets the way web traffic does: a few are opened often,
    # most rarely (Zipf, s=1, over the catalogue in a fixed shuffled order).
    # BENCH_POPULARITY=uniform: every dataset alike (the page cache's worst case).
    POPULARITY = os.environ.get("BENCH_POPULARITY", "zipf")

    @events.test_start.add_listener
    def _load_names(environment, **_kw):
        # dataset names, read once from the API (package_list needs no search)
        with urllib.request.urlopen(environment.host + "/api/3/action/package_list") as r:
            _names.extend(json.load(r)["result"])
        random.Random(7).shuffle(_names)
        _weights.extend(1.0 / (rank + 1) if POPULARITY == "zipf" else 1.0
                        for rank in range(len(_names)))
        # a resource of each dataset, from one search (1,000 rows)
        with urllib.request.urlopen(environment.host
                                    + "/api/3/action/package_search?rows=1000") as r:
            for dataset in json.load(r)["result"]["results"]:
                if dataset.get("resources"):
                    _resources[dataset["name"]] = dataset["resources"][0]["id"]
        _with_resources.extend(name for name in _names if name in _resources)

    def _name():
        if not _names:
            return "jumlah-penduduk-per-kecamatan"
        return random.choices(_names, weights=_weights)[0]

    def _resource_page():
        if not _with_resources:
            return "/dataset/%s" % _name()
        name = random.choices(_with_resources, weights=_weights[:len(_with_resources)])[0]
        return "/dataset/%s/resource/%s" % (name, _resources[name])

    class Visitor(HttpUser):
        weight = 6
        wait_time = between(0.5, 2)

        @task(3)
        def dataset_page(self):
            self.client.get("/dataset/%s" % _name(), name="/dataset/<name>")

        @task(2)
        def search_page(self):
            self.client.get("/dataset/?q=penduduk", name="/dataset?q=")

        @task(1)
        def facet_page(self):
            self.client.get("/dataset/", name="/dataset")

        @task(1)
        def resource_page(self):
            self.client.get(_resource_page(), name="/dataset/<name>/resource/<id>")

        @task(1)
        def home(self):
            self.client.get("/", name="/ (home)")

    class Harvester(HttpUser):
        weight = 3
        wait_time = between(0.2, 1)

        @task(3)
        def package_show(self):
            self.client.get("/api/3/action/package_show?id=%s" % _name(),
                            name="api package_show")

        @task(2)
        def package_search(self):
            self.client.get("/api/3/action/package_search?rows=100&start=%d"
                            % random.randrange(0, 2000, 100), name="api package_search")

        @task(1)
        def status(self):
            self.client.get("/api/3/action/status_show", name="api status_show")

    class Citizen(HttpUser):
        weight = 1
        wait_time = between(2, 5)

        @task
        def file_request(self):
            if MODE != "portal":
                return
            with self.client.post("/api/3/action/satudata_request_create", json={
                    "name": "Warga Uji Beban", "email": "beban@example.org",
                    "title": "Data uji beban %d" % random.randrange(10 ** 6),
                    "description": "Permintaan data contoh untuk uji beban portal.",
                    "purpose": "Uji beban"}, name="api satudata_request_create",
                    catch_response=True) as resp:
                if resp.status_code in (200, 429):   # the limit answering is correct
                    resp.success()

    class Staff(HttpUser):
        weight = 1
        wait_time = between(1, 3)

        @task(2)
        def review_queue(self):
            if MODE == "portal" and STAFF_TOKEN:
                self.client.get("/api/3/action/satudata_review_queue",
                                headers={"Authorization": STAFF_TOKEN},
                                name="api satudata_review_queue")

        @task(1)
        def workflow(self):
            if MODE == "portal" and STAFF_TOKEN:
                self.client.get("/api/3/action/satudata_dataset_workflow_show?id=%s" % _name(),
                                headers={"Authorization": STAFF_TOKEN},
                                name="api satudata_dataset_workflow_show")


    HAMMER = {
        "api package_show": lambda c: c.get("/api/3/action/package_show?id=%s" % _name(),
                                            name="api package_show"),
        "/dataset": lambda c: c.get("/dataset/", name="/dataset"),
        "/dataset/<name>": lambda c: c.get("/dataset/%s" % _name(), name="/dataset/<name>"),
        "/dataset/<name>/resource/<id>": lambda c: c.get(_resource_page(),
                                                         name="/dataset/<name>/resource/<id>"),
        "/ (home)": lambda c: c.get("/", name="/ (home)"),
        # a logged-in member of staff (API token): never served a kept page
        "/dataset/<name> (staff)": lambda c: c.get(
            "/dataset/%s" % _name(), headers={"Authorization": STAFF_TOKEN},
            name="/dataset/<name> (staff)"),
        "api package_search": lambda c: c.get("/api/3/action/package_search?q=penduduk",
                                              name="api package_search"),
    }

    class Hammer(HttpUser):
        """Throughput: each user sends the next request as soon as the last
        one is answered (BENCH_MODE=hammer, BENCH_ENDPOINT one of HAMMER)."""
        wait_time = between(0, 0)

        @task
        def hit(self):
            HAMMER[os.environ["BENCH_ENDPOINT"]](self.client)



def hostile(url: str) -> dict:
    """status_show latency while four hostile searches (300 KB of `a*`, 40,000
    OR'd terms) run at once."""
    bodies = [json.dumps({"q": " ".join(["a*"] * 100_000)}).encode(),
              json.dumps({"q": " OR ".join("t%d" % i for i in range(40_000))}).encode()] * 2
    outcomes = []

    def attack(body):
        req = urllib.request.Request(url + "/api/3/action/package_search", data=body,
                                     headers={"Content-Type": "application/json"})
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=300) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        except Exception as e:  # noqa: BLE001 - reported, not raised
            status = str(e)
        outcomes.append({"status": status, "seconds": round(time.monotonic() - t0, 2)})

    threads = [threading.Thread(target=attack, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    latencies, timeouts = [], []
    while any(t.is_alive() for t in threads) or len(latencies) < 20:
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(url + "/api/3/action/status_show", timeout=30) as r:
                r.read()
        except Exception:  # noqa: BLE001 - a stalled site is the finding
            timeouts.append(1)
        latencies.append((time.monotonic() - t0) * 1000)
        time.sleep(0.05)
        if len(latencies) > 2000:
            break
    for t in threads:
        t.join()
    latencies.sort()
    return {"hostile": outcomes, "status_show_ms": {
        "n": len(latencies), "p50": round(statistics.median(latencies), 1),
        "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "max": round(latencies[-1], 1), "failed": len(timeouts)}}


def _number(text: str) -> float:
    """locust writes N/A for a percentile of no request"""
    try:
        return float(text)
    except (TypeError, ValueError):
        return 0.0


def _stats(path: str) -> dict:
    rows = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "rps": _number(row["Requests/s"]), "p50": _number(row["50%"]),
                "p95": _number(row["95%"]), "p99": _number(row["99%"])}
    return rows


def _figure(portal_row, baseline_row, key, fmt="%.2f"):
    """portal ÷ baseline of one figure, or why there is none: a side that
    had a failure gives no figure (its times are those of error pages)."""
    if not portal_row or not baseline_row:
        return "—"
    if portal_row["failures"] or baseline_row["failures"]:
        return "no figure (failures)"
    if not baseline_row[key]:
        return "—"
    return fmt % (portal_row[key] / baseline_row[key])


def report(args) -> int:
    portal = _stats(os.path.join(args.report, "portal_stats.csv"))
    baseline = _stats(os.path.join(args.report, "baseline_stats.csv"))
    with open(os.path.join(args.report, "hostile.json")) as f:
        hostile_result = json.load(f)
    rss = [int(x) for x in args.rss.split(",")]
    lines = ["%d users, %d s per run, %s; load average %s" % (
        args.users, args.seconds, "portal = gunicorn as scripts/portal serves it, "
        "baseline = the same CKAN and data with satudata_search alone of this package",
        " ".join("%.2f" % x for x in os.getloadavg())), "",
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | baseline p95 ms "
        "| baseline errors | p95 portal ÷ baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    failed = []
    for name, s in sorted(portal.items()):
        b = baseline.get(name)
        if name != "Aggregated":
            if s["failures"]:
                failed.append("portal %s: %d failed" % (name, s["failures"]))
            if b and b["failures"]:
                failed.append("baseline %s: %d failed" % (name, b["failures"]))
        lines.append("| %s | %.1f | %.0f | %.0f | %.0f | %d | %s | %s | %s |" % (
            name, s["rps"], s["p50"], s["p95"], s["p99"], s["failures"],
            "%.0f" % b["p95"] if b else "—", b["failures"] if b else "—",
            _figure(s, b, "p95")))
    import glob
    hammered = {}
    for mode in ("portal", "baseline"):
        for path in sorted(glob.glob(os.path.join(args.report, "hammer-%s-*_stats.csv" % mode))):
            for name, row in _stats(path).items():
                if name != "Aggregated":
                    hammered.setdefault(name, {})[mode] = row
    lines += ["", "Throughput, %d users with no think time (one endpoint at a time):" % args.users,
              "", "| endpoint | portal req/s | p50 ms | errors | baseline req/s | p50 ms | errors "
              "| req/s portal ÷ baseline | p50 portal ÷ baseline |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, modes in sorted(hammered.items()):
        p_, b_ = modes.get("portal"), modes.get("baseline")
        for side, row in (("portal", p_), ("baseline", b_)):
            if row and row["failures"]:
                failed.append("%s %s (throughput): %d failed" % (side, name, row["failures"]))
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, "%.1f" % p_["rps"] if p_ else "—", "%.0f" % p_["p50"] if p_ else "—",
            p_["failures"] if p_ else "—",
            "%.1f" % b_["rps"] if b_ else "—", "%.0f" % b_["p50"] if b_ else "—",
            b_["failures"] if b_ else "—",
            _figure(p_, b_, "rps"), _figure(p_, b_, "p50")))
    lines += ["", "Worker memory (MB, all gunicorn workers): portal %d → %d, baseline %d → %d"
              % tuple(rss),
              "status_show while 4 hostile searches run: p50 %(p50)s ms, p95 %(p95)s ms, "
              "max %(max)s ms (n=%(n)s, %(failed)s unanswered within 30 s)" % hostile_result["status_show_ms"],
              "hostile searches: %s" % ", ".join("%s in %ss" % (h["status"], h["seconds"])
                                                for h in hostile_result["hostile"])]
    if failed:
        lines += ["", "NOT A RESULT: requests failed, so the run gives no ratio "
                  "(see the locust CSVs in %s):" % args.report] + ["- " + f for f in failed]
    print("\n".join(lines))
    with open(args.json, "w") as f:
        json.dump({"portal": portal, "baseline": baseline, "throughput": hammered, "hostile": hostile_result,
                   "rss_mb": rss, "users": args.users, "seconds": args.seconds,
                   "failures": failed}, f, indent=2)
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--hostile")
    parser.add_argument("--report")
    parser.add_argument("--users", type=int)
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--rss")
    parser.add_argument("--json")
    a = parser.parse_args()
    if a.hostile:
        print(json.dumps(hostile(a.hostile)))
        sys.exit(0)
    sys.exit(report(a))
