"""WSGI entry point: the site, and the API through its shorter middleware chain, with the
tills' hot call on the API's fast path."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benecomune.settings")
django.setup(set_prefix=False)

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from benecomune.api.fast_path import FastPath  # noqa: E402
from benecomune.api.handler import ApiWSGIHandler, dispatch  # noqa: E402
from benecomune.vouchers import api_fast  # noqa: E402

application = dispatch(WSGIHandler(), FastPath(ApiWSGIHandler(), api_fast.ROUTES))
