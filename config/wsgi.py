import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load every view now, then take what was loaded at start out of the cyclic garbage collector's
# sight: it is never freed, and otherwise each full collection walks all of it again (tens of
# milliseconds in the middle of a request, every few requests).
get_resolver().url_patterns  # noqa: B018 - the import of every urls and views module
gc.freeze()
