"""Deployment plumbing that every request passes through: the load balancer's health probe,
the one-line request log, the Permissions-Policy header and the Content-Security-Policy header (Django 5.2 has none built in;
6.0 adds one, and this file can go then).
"""

import logging
import re
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.urls import reverse
from django.utils.encoding import escape_uri_path

request_logger = logging.getLogger("forum.requests")

# allauth puts one-time keys in these paths (password reset, email confirmation): whoever reads
# the logs must not be able to use them.
_SECRET_IN_PATH = re.compile(r"^(/accounts/(?:password/reset/key|confirm-email)/)[^/]+")

# The pages load only their own files: thread.js and forum.css, and the admin's own static
# files. No inline <script>, no inline style, no images from elsewhere (reply images are off in
# forum/rendering.py). frame-ancestors repeats X-Frame-Options for browsers that only read CSP.
_POLICY = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
CONTENT_SECURITY_POLICY = "; ".join(_POLICY)


def framed_policy(ancestors: list[str] | str) -> str:
    """The same policy for a page that may be framed (forum.embed): frame-ancestors names who
    may frame it, in place of 'none'. Such a view sets it itself (the middleware keeps a view's
    header) and is exempt from X-Frame-Options, which cannot name origins."""
    sources = ancestors if isinstance(ancestors, str) else " ".join(ancestors) or "'none'"
    return "; ".join(f"frame-ancestors {sources}" if rule.startswith("frame-ancestors") else rule for rule in _POLICY)
# Django 5.2's own admin needs nothing looser (its templates pass data in data-* attributes and
# JSON blocks; its scripts set styles through the DOM, which CSP does not govern). But
# django-mptt's admin indents the reply tree with style="text-indent:..." attributes, and without
# them the tree reads as a flat list. Staff-only pages may use inline style attributes, never
# <style> elements nor scripts; a browser without style-src-attr just shows the list flat.
ADMIN_CONTENT_SECURITY_POLICY = "; ".join([*_POLICY, "style-src-attr 'unsafe-inline'"])

HEALTH_CHECK_PATH = "/healthz"

# No page of the forum uses a camera, a microphone, the reader's location, payments, sensors or
# the topics API; saying so stops a script that got in (or a framed page) from asking for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    ]
)


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header on every response, the health probe's and the errors' too:
    outermost, so nothing answers before it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class HealthCheckMiddleware:
    """Answer the load balancer's probe first, before the host check and the HTTPS redirect.

    A load balancer probes each app server by its private address over plain HTTP, so the probe
    would otherwise get a 400 (host not in ALLOWED_HOSTS) or a 301 to HTTPS and mark every server
    down. It is not logged: one line every few seconds per balancer would bury the real traffic.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_CHECK_PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            # A server that cannot reach the database cannot serve a page: take it out of rotation.
            return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        return HttpResponse("ok\n", content_type="text/plain")


class RequestLogMiddleware:
    """One line per request on the `forum.requests` logger: method, path, status, time, user.

    Outermost after the health check, so static files served by WhiteNoise and responses from
    the HTTPS redirect are logged too. Gunicorn's own access log stays off (see the Makefile),
    so each request appears once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        # The time to build the response, not to send it: a streamed body finishes later.
        elapsed_ms = (time.monotonic() - started) * 1000
        # Static files never reach the authentication middleware, so they have no user.
        try:
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else "-"
        except DatabaseError:
            # The user is read lazily; with the database away the line must still be written
            # (the 503 is exactly what it is for), not turned into a second error.
            user_id = "?"
        # The query string is left out (it can carry tokens and search text), and the path is
        # percent-encoded again so a %0A in a URL cannot forge a second log line.
        request_logger.info(
            "%s %s %s %.0fms user=%s",
            request.method,
            _SECRET_IN_PATH.sub(r"\1[key]", escape_uri_path(request.path)),
            response.status_code,
            elapsed_ms,
            user_id,
        )
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Django's yellow debug pages (DEBUG only) are built from inline <style> and <script>;
        # under this policy they would show as unstyled text with dead toggles.
        if settings.DEBUG and response.status_code >= 400:
            return response
        if request.path_info.startswith(_admin_prefix()):
            policy = ADMIN_CONTENT_SECURITY_POLICY
        else:
            policy = CONTENT_SECURITY_POLICY
        # A view that needs a different policy sets its own header; it is not overwritten.
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


def _admin_prefix() -> str:
    return reverse("admin:index")
