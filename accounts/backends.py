"""The signed-in reader, loaded once per request with what every page's header asks of them.

Each page's header shows the unread-notification count and, for moderators, the queue link;
asked separately these were three queries per signed-in page (the user's own permissions, its
groups' permissions, the count). Loading the user with both as annotations makes them part of
the one query Django's AuthenticationMiddleware makes anyway. forum.policy.is_moderator and
forum.context_processors read the annotations when present and ask the database otherwise
(a user loaded any other way).
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class _ReaderMixin:
    def get_user(self, user_id):
        from forum import policy
        from forum.notifications import selectors as notifications

        user = (
            self._user_queryset()  # type: ignore[attr-defined]
            .annotate(
                forum_moderator_permission=policy.moderator_permission_exists(),
                forum_unread_notifications=notifications.unread_count_subquery(),
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]

    def _user_queryset(self):
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.all()


class ModelBackend(_ReaderMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(_ReaderMixin, AllauthBackend):
    pass
