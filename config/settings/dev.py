"""Development: DEBUG on unless the environment says otherwise, so `make run` works on a fresh clone."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403

# runserver already prints a line per request; the forum's own request log would double it.
# A copy, so base.LOGGING stays as it was for anything else that imports it.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "forum.requests": {"level": "WARNING"}}}  # noqa: F405
