"""gunicorn settings for Sanfang in production (used by deploy/systemd/sanfang-web.service).

    gunicorn --config /opt/sanfang/deploy/gunicorn.conf.py sanfang.wsgi:application

Every value can be changed in /etc/sanfang/sanfang.env without editing this file.
"""

import multiprocessing
import os

# nginx talks to gunicorn over a Unix socket that only the sanfang user and nginx's group can open
# (RuntimeDirectory=sanfang in the unit creates /run/sanfang).
bind = os.environ.get("GUNICORN_BIND", "unix:/run/sanfang/gunicorn.sock")
umask = 0o007

# Synchronous workers: the application is plain Django; two per core plus one is the usual starting point.
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Generated documents (minutes as .docx, result spreadsheets) can take a few seconds; nothing takes a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak can never take the site down. Not more often: a worker's start
# costs ~1.5 s of CPU, and it stops growing after ~2,500 requests (sanfang/core/webserver.py, which `sanfang
# serve` uses with the same numbers).
max_requests = 10000
max_requests_jitter = 1000

# Only nginx on this machine may set X-Forwarded-For / X-Forwarded-Proto; over the Unix socket gunicorn
# sees no peer address at all, so "*" is safe there (and only there).
forwarded_allow_ips = os.environ.get(
    "GUNICORN_FORWARDED_ALLOW_IPS", "*" if bind.startswith("unix:") else "127.0.0.1"
)

# Limits on the request head; the body limit is nginx's client_max_body_size (= settings.MAX_REQUEST_BYTES).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

accesslog = "-"  # to the journal: journalctl -u sanfang-web
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client address as nginx saw it; no query strings (they can hold one-time ballot or follow tokens).
access_log_format = '%({x-forwarded-for}i)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
proc_name = "sanfang-web"
