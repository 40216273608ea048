"""The WSGI entry point that production servers (gunicorn) load."""

from __future__ import annotations

import gc
import importlib
import sys

from django.test import Client


def test_the_wsgi_application_loads_every_view_and_freezes_what_it_loaded(db: None) -> None:
    sys.modules.pop("config.wsgi", None)
    gc.unfreeze()
    try:
        wsgi = importlib.import_module("config.wsgi")
        assert callable(wsgi.application)
        assert "werkplaats.insights.views" in sys.modules  # loaded before the first request
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert Client().get("/healthz").status_code == 200
