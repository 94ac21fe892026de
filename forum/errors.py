"""The refusals a service can answer with. Each carries the message the user is shown, as it is.

Six kinds, because a user (and a client) needs to tell them apart: what was asked cannot be done
(Refused), not by you (Forbidden), not here (NotFound), not any more (Conflict: someone else
changed it first), not any longer (Gone: an expired link), not yet (RateLimited). forum.web maps them to HTTP statuses, in one place;
nothing else in the services knows about HTTP.
"""

from __future__ import annotations


class ForumError(Exception):
    """A write or a page the user asked for and may not have."""

    def __init__(self, message: str, *, retry_after: int | None = None):
        # A lazy translation is read now, in the language of the request that is refused.
        message = str(message)
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after  # seconds, for RateLimited


class Refused(ForumError):
    """The input, or the state of what it acts on, does not allow it: an empty reply, a removed parent."""


class Nudged(Refused):
    """A warning the writer may overrule: a moderation hook thinks the reply may read as abusive.
    The form comes back with the text and a "post it anyway" box; posted anyway, it is held."""


class Forbidden(ForumError):
    """This user may not do this: someone else's reply, a locked discussion, a suspended account."""


class NotFound(ForumError):
    """There is no such thing, or none this user may know of."""


class Conflict(ForumError):
    """Another writer changed it first: another moderator has handled this reply."""


class Gone(ForumError):
    """It was here and is no more: an expired link."""


class RateLimited(ForumError):
    """Too much, too fast: try again after `retry_after` seconds."""
