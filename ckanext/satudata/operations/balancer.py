"""nginx (Debian's package) as the balancer in front of several web nodes
(issue 27; docs/scaling.md). Writes a configuration for an nginx run as a
non-daemon under the run directory (its pid, temporary files and logs
there), so it needs no root and touches nothing of the system's nginx:

    python -m ckanext.satudata.operations.balancer --listen 5000 \\
        --node 127.0.0.1:5001 --node 127.0.0.1:5002 --run-dir .run \\
        --max-body-mb 51 > .run/nginx.conf
    nginx -c .run/nginx.conf -g 'daemon off;'
"""
from __future__ import annotations

import argparse
import os
import sys

TEMPLATE = """# written by ckanext.satudata.operations.balancer: do not edit
worker_processes 1;
pid {run}/nginx.pid;
error_log {log}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  # the path without its query string: a requester's access token stays out
  log_format satudata '$remote_addr "$request_method $uri" $status $body_bytes_sent '
                      '$request_time $upstream_addr';
  access_log {log}/nginx-access.log satudata;
  client_max_body_size {max_body}m;
  upstream satudata_nodes {{
{servers}
    keepalive 16;
  }}
  server {{
    listen {listen_host}:{listen};
    location / {{
      proxy_pass http://satudata_nodes;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_read_timeout 120s;
      # a node that fails is skipped for the next requests
      proxy_next_upstream error timeout http_502 http_503;
    }}
  }}
}}
"""


def nginx_conf(listen: int, nodes: list[str], run_dir: str, max_body_mb: int = 51,
               listen_host: str = "127.0.0.1") -> str:
    run_dir = os.path.abspath(run_dir)
    tmp, log = os.path.join(run_dir, "nginx"), os.path.join(run_dir, "log")
    for path in (tmp, log):
        os.makedirs(path, exist_ok=True)
    servers = "\n".join("    server %s max_fails=2 fail_timeout=10s;" % n for n in nodes)
    return TEMPLATE.format(run=run_dir, log=log, tmp=tmp, listen=listen, servers=servers,
                           max_body=max_body_mb, listen_host=listen_host)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="nginx configuration for the web nodes")
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--listen-host", default="127.0.0.1")
    parser.add_argument("--node", action="append", required=True, help="host:port, repeated")
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--max-body-mb", type=int, default=51)
    args = parser.parse_args(argv)
    sys.stdout.write(nginx_conf(args.listen, args.node, args.run_dir, args.max_body_mb,
                                args.listen_host))
    return 0


if __name__ == "__main__":
    sys.exit(main())
