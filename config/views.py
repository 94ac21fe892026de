"""The last resort for an exception nothing else handled (urls.py: handler500)."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

# Seconds a browser or a load balancer is told to wait: PostgreSQL restarts in a few.
RETRY_AFTER_SECONDS = 5


def server_error(request):
    """A database that cannot be reached (restarting, failing over) is a 503 with Retry-After,
    drawn without touching the database or the session, and not a 500: the request may be
    sent again in a moment, and nothing is wrong with the code. Django's connection health
    checks (CONN_HEALTH_CHECKS) replace the broken connection on the next request, so the
    server recovers without a restart."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logging.getLogger("forum.requests").warning("database unreachable: %s", str(error).splitlines()[0])
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
