"""WSGI entry point: the site, and the API through its shorter middleware chain."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benecomune.settings")
django.setup(set_prefix=False)

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from benecomune.api.handler import ApiWSGIHandler, dispatch  # noqa: E402

application = dispatch(WSGIHandler(), ApiWSGIHandler())
