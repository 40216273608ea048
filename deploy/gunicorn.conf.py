"""Gunicorn settings for Werkplaats, read from the environment (see docs/deployment.md).

Used by the Procfile and the systemd unit: ``gunicorn config.wsgi --config deploy/gunicorn.conf.py``.
Under systemd socket activation the address comes from the socket unit and ``bind`` is ignored.
"""

import multiprocessing
import os

bind = [os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"]

# Synchronous workers: every request is one database transaction and the heavy work (PDFs,
# imports, reminders) runs on the task worker, so requests are short.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Restart each worker now and then, so that slow growth of memory never adds up.
max_requests = 1000
max_requests_jitter = 100

# The proxy in front terminates TLS and says so in X-Forwarded-Proto (Django trusts that header
# when DEBUG is false, see SECURE_PROXY_SSL_HEADER); only these addresses may set it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Behind a TCP load balancer that speaks the PROXY protocol (instead of an HTTP proxy that appends
# to X-Forwarded-For, see ALLAUTH_TRUSTED_PROXY_COUNT), set GUNICORN_PROXY_PROTOCOL=v1, v2 or auto
# so the connection's peer is the client.
proxy_protocol = os.environ.get("GUNICORN_PROXY_PROTOCOL", "off")
proxy_allow_ips = os.environ.get("GUNICORN_PROXY_ALLOW_FROM", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
# The service account has no home directory for gunicorn's runtime control socket; the service
# manager (systemctl reload/restart) is the way to control it.
control_socket_disable = True
