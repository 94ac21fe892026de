"""The signed-in user comes with its moderator permission and unread count, and they agree with
the queries they replace."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.backends import ModelBackend
from forum import policy
from forum.notifications import selectors as notifications
from forum.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _loaded(user):
    return ModelBackend().get_user(user.pk)


def test_the_loaded_moderator_flag_agrees_with_has_perm(make_user, make_moderator):
    plain, moderator = make_user(), make_moderator()
    direct = make_user()
    direct.user_permissions.add(Permission.objects.get(codename="moderate_reply"))
    boss = make_user(is_superuser=True)
    gone = make_moderator()
    gone.is_active = False
    gone.save()
    other_group = make_user()
    other_group.groups.add(Group.objects.create(name="Readers"))
    for user, expected in [(plain, False), (moderator, True), (direct, True), (boss, True), (other_group, False)]:
        loaded = _loaded(user)
        assert loaded.forum_moderator_permission is not None
        assert policy.is_moderator(loaded) is expected, user
        assert policy.is_moderator(type(user).objects.get(pk=user.pk)) is expected  # through has_perm
    assert _loaded(gone) is None  # an inactive account is not signed in at all


def test_the_loaded_unread_count_agrees_with_the_count(make_user, make_article, make_reply):
    reader = make_user()
    article = make_article()
    first, second = make_reply(article=article), make_reply(article=article)
    Notification.objects.create(recipient=reader, reply=first, created=first.created)
    Notification.objects.create(recipient=reader, reply=second, created=second.created, read_at=second.created)
    assert _loaded(reader).forum_unread_notifications == 1 == notifications.unread_count(reader)
    assert _loaded(make_user()).forum_unread_notifications == 0


def test_a_moderator_sees_the_queue_link_and_others_do_not(client, make_moderator, make_user, db):
    client.force_login(make_moderator())
    assert "Queue</a>" in client.get(reverse("forum:home")).content.decode()
    client.force_login(make_user())
    assert "Queue</a>" not in client.get(reverse("forum:home")).content.decode()


def test_the_loaded_user_has_every_field_as_the_orm_reads_it(make_user, django_user_model):
    from django.utils import timezone

    user = make_user(display_name="Ada L.") if hasattr(django_user_model, "display_name") else make_user()
    django_user_model.objects.filter(pk=user.pk).update(last_login=timezone.now())
    stored = django_user_model.objects.get(pk=user.pk)
    loaded = _loaded(user)
    for field in django_user_model._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(stored, field.attname), field.name
    assert loaded._state.adding is False and loaded._state.db == stored._state.db
    assert loaded.last_login.tzinfo is not None and isinstance(loaded.is_active, bool)


def test_no_user_for_an_unknown_or_malformed_id(db):
    assert ModelBackend().get_user(10**9) is None
    assert ModelBackend().get_user("nope") is None
