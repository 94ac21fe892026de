"""Start-up checks: a moderation hook that does not import would otherwise fail on the first post."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string


@register()
def moderation_hooks_import(app_configs, **kwargs):
    errors = []
    for path in getattr(settings, "FORUM_MODERATION_HOOKS", []):
        try:
            hook = import_string(path)
        except ImportError as error:
            errors.append(
                Error(f"FORUM_MODERATION_HOOKS: cannot import {path!r}: {error}", id="forum.E001",
                      hint="Check the dotted path, or remove it from the list.")
            )
            continue
        if not callable(hook):
            errors.append(Error(f"FORUM_MODERATION_HOOKS: {path!r} is not callable", id="forum.E002"))
    return errors
