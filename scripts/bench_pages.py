"""SQL statements and CPU time per page type (issue 28), the portal against
the same CKAN and data with only `satudata_search` of this package's plugins
(the load benchmark's baseline), each rendered in process through CKAN's app.

    python scripts/bench_pages.py --config PORTAL.ini --baseline BASELINE.ini \
        [--staff-token TOKEN] [--renders 20] [--json out.json]

Each side runs in its own process (CKAN's plugins are process-wide). A page
is asked for three times first (templates compiled, caches warm), then
`--renders` times: statements are counted with SQLAlchemy's events (they are
deterministic), CPU time is the process's (`time.process_time`, median of the
renders). The portal's anonymous page cache is off for "render" rows (what a
miss costs) and on for the "kept" row. A page answering other than 200 on
either side gives no figure and the script exits non-zero."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def _pages(app_client):
    """The page types a visitor, a harvester and the staff open most: the
    most recently changed public dataset with a resource, found through the
    API as a visitor would."""
    found = app_client.get("/api/3/action/package_search?rows=1&sort=metadata_modified+desc"
                           "&fq=num_resources:[1+TO+*]").get_json()["result"]["results"]
    if not found:
        raise SystemExit("no public dataset with a resource to measure")
    ds = found[0]
    name, resource = ds["name"], ds["resources"][0]["id"]
    return [("home", "/"), ("search (facets)", "/dataset/"),
            ("dataset page", "/dataset/%s" % name),
            ("resource page", "/dataset/%s/resource/%s" % (name, resource)),
            ("API package_show", "/api/3/action/package_show?id=%s" % name),
            ("API package_search", "/api/3/action/package_search?q=penduduk")]


def render_each(client, pages, renders: int, clock=time.process_time) -> dict:
    """Each (label, path, headers) page asked three times (templates compiled,
    caches warm), then `renders` times: {label: (status, [ms by `clock`],
    [SQL statements])}; a page that does not answer 200 is not measured.
    Shared with scripts/bench_worklists.py (wall time there)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    statements = [0]

    def count(*_args, **_kw):
        statements[0] += 1

    out = {}
    event.listen(Engine, "before_cursor_execute", count)
    try:
        for label, path, headers in pages:
            for _ in range(3):
                status = client.get(path, headers=headers).status_code
            times, counts = [], []
            for _ in range(renders if status == 200 else 0):
                statements[0] = 0
                start = clock()
                client.get(path, headers=headers)
                times.append((clock() - start) * 1000)
                counts.append(statements[0])
            out[label] = (status, times, counts)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return out


def measure_side(config: str, renders: int, staff_token: str, page_cache: bool) -> dict:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    conf = load_config(config)
    conf["ckanext.satudata.page_cache"] = "true" if page_cache else "false"
    client = make_app(conf).test_client()
    pages = [(label, path, {}) for label, path in _pages(client)]
    if staff_token:
        pages.append(("dataset page, logged-in staff", pages[2][1],
                      {"Authorization": staff_token}))
    out = {}
    for label, (status, cpu, counts) in render_each(client, pages, renders).items():
        out[label] = {"status": status} if status != 200 else {
            "status": 200, "statements": max(counts),
            "cpu_ms": round(statistics.median(cpu), 1)}
    return out


def render_in_a_loop(config: str, label: str, renders: int, assets_asked: bool) -> None:
    """One page type rendered `renders` times, page cache off, for a sampling
    profiler (scripts/flame_page). With `assets_asked`, each asset bundle's
    URLs are asked of webassets on every page, as CKAN does without the
    theme's kept URLs (theme/assets.py): the before of that change."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    conf = load_config(config)
    conf["ckanext.satudata.page_cache"] = "false"
    client = make_app(conf).test_client()
    if assets_asked:
        from ckan.lib import webassets_tools
        for bundle in webassets_tools.env:
            bundle.__dict__.pop("urls", None)
    path = dict(_pages(client))[label]
    for _ in range(3):   # templates compiled, caches warm: then the profiler attaches
        client.get(path)
    print("rendering", flush=True)
    time.sleep(1)
    for _ in range(renders):
        if client.get(path).status_code != 200:
            raise SystemExit("%s did not answer 200" % path)


def _side(config, args, page_cache):
    command = [sys.executable, __file__, "--side", config, "--renders", str(args.renders),
               "--staff-token", args.staff_token or ""]
    if page_cache:
        command.append("--page-cache")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit("measuring %s failed" % config)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    parser.add_argument("--baseline")
    parser.add_argument("--staff-token", default="")
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--json")
    parser.add_argument("--side", help=argparse.SUPPRESS)
    parser.add_argument("--page-cache", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--loop", help="render this page type --renders times (profiling)")
    parser.add_argument("--assets-asked-each-page", action="store_true")
    args = parser.parse_args()
    if args.loop:
        render_in_a_loop(args.config, args.loop, args.renders, args.assets_asked_each_page)
        return 0
    if args.side:
        print(json.dumps(measure_side(args.side, args.renders, args.staff_token,
                                      args.page_cache)))
        return 0
    portal = _side(args.config, args, False)
    kept = _side(args.config, args, True)
    baseline = _side(args.baseline, args, False)
    failed = False
    print("| page | portal statements | portal CPU ms | kept page statements | kept page CPU ms "
          "| baseline statements | baseline CPU ms | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, mine in portal.items():
        base, hit = baseline.get(label, {}), kept.get(label, {})
        if mine.get("status") != 200 or base.get("status") != 200:
            failed = True
            print("| %s | HTTP %s | | | | HTTP %s | | NOT A RESULT |" % (
                label, mine.get("status"), base.get("status")))
            continue
        cached = label in ("home", "search (facets)", "dataset page", "resource page")
        print("| %s | %d | %.1f | %s | %s | %d | %.1f | %.2f |" % (
            label, mine["statements"], mine["cpu_ms"],
            hit.get("statements", "") if cached else "—", hit.get("cpu_ms", "") if cached else "—",
            base["statements"], base["cpu_ms"], mine["cpu_ms"] / base["cpu_ms"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"portal": portal, "portal_kept": kept, "baseline": baseline}, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    sys.exit(main())
