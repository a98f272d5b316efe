import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.web.settings")
application = get_wsgi_application()
# Import every view now rather than on the first request: `duban serve` runs gunicorn with
# --preload, so this happens once in the master and each worker starts ready (and shares the pages).
get_resolver().url_patterns  # noqa: B018
