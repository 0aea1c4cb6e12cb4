"""gunicorn settings for CareChoices behind nginx (``gunicorn -c deploy/gunicorn.conf.py``).

Worker class and count come from measurement on a 2-CPU machine (docs/adr/0015-gunicorn-workers.md):
gthread workers, one per CPU plus one, four threads each. nginx buffers slow clients, so no
worker waits on a slow reader; the threads keep a worker answering while one of its requests
waits on the database. Every value can be overridden from the environment.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Import Django once in the master and fork: half the start-up CPU, shared memory pages.
preload_app = True
# A request slower than this is a bug or a stuck database; the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
# nginx on the same machine is the only client we trust for X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# nginx logs requests when asked; the application logs what it has to say on stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
