"""gunicorn settings for the portal (scripts/portal up). Every value can be
moved with an environment variable; the defaults suit a 2-core VM.

Why these: several worker processes so one slow request never blocks the
site; a hard timeout so a stuck request is killed (its worker restarted);
a worker that grows past a memory bound finishes its request and is replaced;
max_requests recycles workers slowly against gradual leaks."""
import os
import resource
import shutil

bind = os.environ.get("SATUDATA_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("SATUDATA_WEB_WORKERS", "4"))
threads = int(os.environ.get("SATUDATA_WEB_THREADS", "1"))
timeout = int(os.environ.get("SATUDATA_WEB_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("SATUDATA_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# a client's body or headers cannot hold a worker forever either
limit_request_line = 16384
limit_request_fields = 100
wsgi_app = "wsgi:application"
accesslog = "-"
# the path without its query string: a requester's access token never reaches the log
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
# /metrics adds up every worker's counts (prometheus-client's multiprocess
# mode): each worker writes its samples here; set before the app is imported
METRICS_DIR = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(
    os.path.dirname(os.path.abspath(os.environ.get("CKAN_INI", "ckan.ini"))),
    "prometheus-%s" % bind.rsplit(":", 1)[-1]))
MEMORY_LIMIT_MB = int(os.environ.get("SATUDATA_WEB_MAX_RSS_MB", "600"))


def _rss_mb():
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2 ** 20
    except OSError:
        return 0


def post_request(worker, req, environ, resp):
    """Replace a worker whose memory has grown past the bound (uWSGI's
    reload-on-rss): it finishes this request, the arbiter starts a fresh one."""
    rss = _rss_mb()
    if MEMORY_LIMIT_MB and rss > MEMORY_LIMIT_MB:
        worker.log.warning("worker %s uses %.0f MB > %d MB: restarting it",
                           worker.pid, rss, MEMORY_LIMIT_MB)
        worker.alive = False


def on_starting(server):
    """The samples of an earlier run are not this run's."""
    shutil.rmtree(METRICS_DIR, ignore_errors=True)
    os.makedirs(METRICS_DIR, exist_ok=True)


def child_exit(server, worker):
    """A replaced worker's gauges leave with it (its counters stay summed)."""
    try:
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
    except ImportError:
        pass
