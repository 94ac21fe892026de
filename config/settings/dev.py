"""Development: DEBUG on unless the environment says otherwise, so `make run` works on a fresh clone."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403
