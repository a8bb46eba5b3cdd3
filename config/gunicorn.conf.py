"""gunicorn settings for the portal (scripts/portal up). Every value can be
moved with an environment variable; the defaults suit a 2-core VM.

Why these: several worker processes so one slow request never blocks the
site; a hard timeout so a stuck request is killed (its worker restarted);
a worker that grows past a memory bound finishes its request and is replaced;
max_requests recycles workers slowly against gradual leaks."""
import os
import resource

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
