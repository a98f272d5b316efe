"""The WSGI application, loaded once per server: with `duban serve` (gunicorn --preload) in the
master, before the workers fork."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.web.settings")
application = get_wsgi_application()
# Import every view now rather than on the first request: `duban serve` runs gunicorn with
# --preload, so this happens once in the master and each worker starts ready (and shares the pages).
get_resolver().url_patterns  # noqa: B018
# What is loaded by now (Django, the apps, every view: ~140,000 objects) lives as long as the
# process. Out of the collector's sight, a full collection no longer walks it: the plan page's p95
# fell from 145 to 86 ms (benchmarks/platform_scale.py), and forked workers do not copy pages by
# touching those objects' headers (the use gc.freeze is documented for).
gc.collect()  # garbage of the start is freed, not kept frozen
gc.freeze()
