"""Gunicorn settings for the training app: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be set from the environment, so one file serves a small site on SQLite
and a scaled-out site behind a load balancer (PostgreSQL, Redis for login throttling).
"""

import multiprocessing
import os

wsgi_app = "trainingapp:create_app()"
bind = os.environ.get("TRAININGAPP_BIND", "127.0.0.1:8000")

# Requests are short and mostly database-bound: sync workers, about two per core. With
# SQLite keep to one machine; writes are serialised by the database, not the workers.
# At operator scale threads (gthread workers): a long export is not cut at the timeout.
workers = int(os.environ.get("TRAININGAPP_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("TRAININGAPP_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Exam day: hundreds of trainees press "start" together; queue them, do not refuse them.
backlog = int(os.environ.get("TRAININGAPP_BACKLOG", "2048"))
timeout = int(os.environ.get("TRAININGAPP_WORKER_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory growth in long-lived processes), not all at once.
max_requests = int(os.environ.get("TRAININGAPP_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10

# Behind the reverse proxy: trust its X-Forwarded-* (see TRAININGAPP_TRUSTED_PROXIES too).
forwarded_allow_ips = os.environ.get("TRAININGAPP_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("TRAININGAPP_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("TRAININGAPP_LOG_LEVEL", "info")


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Each worker loads the Chinese word dictionary before its first request, so that no
    trainee's first typed reply waits a second for it."""
    from trainingapp.rules import calls

    calls.prepare()
