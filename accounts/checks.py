"""Start-up checks for accounts' settings: a bad FORUM_SSO_KEYS fails `manage.py check` (and
every start), not the first reader's sign-in."""

from __future__ import annotations

from django.core.checks import Error, register


@register()
def sso_keys_are_usable(app_configs, **kwargs):
    from django.conf import settings

    from .sso import keys

    try:
        keys.parse(getattr(settings, "FORUM_SSO_KEYS", ""))
    except keys.BadKeys as error:
        return [Error(str(error), id="accounts.E001",
                      hint='FORUM_SSO_KEYS is JSON: {"kid": {"alg": "HS256", "secret": "..."}} or '
                           '{"kid": {"alg": "RS256", "public_key": "-----BEGIN PUBLIC KEY-----..."}}')]
    return []
