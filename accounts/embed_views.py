"""Signing in inside the embedded frame (issue 16), the server's side.

The frame cannot rely on the forum's first-party cookie: browsers that block third-party
cookies never send it into a frame on a news site. So:

- GET  /embed/signin/   the popup the frame opens, first-party: allauth's sign-in as it is,
                        then a one-time code handed to the frame by postMessage;
- POST /embed/session/  the frame trades the code for a session of its own, whose cookie is
                        partitioned (config/embed_cookies.py); GET says whom the frame is
                        signed in as, with a CSRF token (and its partitioned cookie);
- POST /embed/sso/      the same for a news site's signed token (accounts.sso).

CSRF is enforced on both POSTs as on every form (the frame sends X-CSRFToken).
"""

from __future__ import annotations

import json

from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services, sso
from .sso import services as sso_services

# The backend the frame's session names; Django needs one when several are listed.
_BACKEND = "accounts.backends.ModelBackend"


@require_GET
@never_cache
def signin(request):
    """The popup. Signed out: allauth's sign-in page, which comes back here. Signed in: a code
    for the frame, which the page's script (static/js/embed-signin.js) posts to its opener on the
    forum's own origin (the frame is served from it), then closes."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
    code = services.signin_code_issue(user=request.user, now=timezone.now())
    origin = f"{request.scheme}://{request.get_host()}"
    return render(request, "accounts/embed_signin.html", {"code": code, "origin": origin})


@require_http_methods(["GET", "POST"])
@never_cache
def session(request):
    """POST: the frame's code for a session of its own (`code` as a form field or JSON).
    GET: whom the frame is signed in as (null names when nobody), and a CSRF token for its
    posts, whose cookie this answer sets, partitioned, when the frame has none yet."""
    if request.method == "GET":
        user = request.user if request.user.is_authenticated else None
        return JsonResponse({"username": user.username if user else None,
                             "display_name": user.public_name if user else None, "csrf_token": get_token(request)})
    user = services.signin_code_redeem(code=_field(request, "code"), now=timezone.now())
    if user is None or not user.is_active:
        return _error(_("This sign-in code is not valid: it was used already, or has expired. Please sign in again."),
                      400)
    return _signed_in(request, user, method="embed_code")


@require_POST
@never_cache
def sso_session(request):
    """A news site's signed token (accounts.sso) for a session: `token` as a form field or JSON."""
    try:
        claims = sso.verify(_field(request, "token"), audience=f"{request.scheme}://{request.get_host()}")
        user = sso_services.sign_in(claims=claims, now=timezone.now())
    except sso.SsoRefused as refusal:
        return _error(refusal.message, refusal.status)
    return _signed_in(request, user, method="sso")


def _signed_in(request, user, *, method: str) -> JsonResponse:
    login(request, user, backend=_BACKEND)
    # allauth's record of how this session signed in: what "a fresh sign-in" means to the pages
    # that ask for one (forum/privacy/views.py, for accounts without a password, as SSO's are).
    record_authentication(request, user, method)
    # login() gives the session a new CSRF secret, so the token the frame's page holds no longer
    # passes: the answer carries the new one for its next posts.
    return JsonResponse({"username": user.username, "display_name": user.public_name, "csrf_token": get_token(request)})


def _field(request, name: str):
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        return body.get(name) if isinstance(body, dict) else None
    return request.POST.get(name)


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)
