"""Each discussion's own rules: closing after N days, pre-moderation, slow mode, the editor's
prompt; set by moderators on the rules page or in the admin, and logged."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.moderation import people
from forum.moderation.models import ModerationLog
from forum.threads.models import Article, Reply

pytestmark = pytest.mark.django_db



@pytest.fixture
def reader(client, make_user):
    person = make_user("reader")
    client.force_login(person)
    return person


def _rules(article, moderator, **rules):
    return people.article_rules_set(article=article, moderator=moderator, rules=people.ArticleRules(**rules))


def test_a_discussion_closes_by_itself_n_days_after_publication(client, reader, make_article, moderator):
    article = make_article(published_on=timezone.localdate() - datetime.timedelta(days=10))
    _rules(article, moderator, close_after_days=7)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "closed to new replies on" in page and 'class="reply-form"' not in page
    response = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "Too late"})
    assert response.status_code == 403 and "closed to new replies on" in response.content.decode()
    assert not Reply.objects.filter(body="Too late").exists()


def test_an_undated_article_never_closes_by_itself(client, reader, make_article, moderator):
    article = make_article(published_on=None)
    _rules(article, moderator, close_after_days=1)
    response = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "Still open"})
    assert response.status_code == 302 and Reply.objects.filter(body="Still open").exists()


def test_pre_moderation_holds_every_reply_and_says_so(client, reader, make_article, moderator):
    article = make_article()
    _rules(article, moderator, premoderate=True)
    assert "A moderator reads every reply here" in client.get(article.get_absolute_url()).content.decode()
    client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "Please check me"})
    assert Reply.objects.get(body="Please check me").status == Reply.Status.HELD


def test_slow_mode_refuses_a_second_reply_with_429_and_writes_nothing(client, reader, make_article, moderator):
    article = make_article()
    _rules(article, moderator, slow_mode_minutes=5)
    first = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "First"})
    assert first.status_code == 302
    second = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "Second, too soon"})
    assert second.status_code == 429
    assert "slow mode: one reply every 5 minutes" in second.content.decode()
    assert 240 < int(second["Retry-After"]) <= 301
    assert not Reply.objects.filter(body="Second, too soon").exists()


def test_slow_mode_does_not_slow_moderators(client, make_article, moderator):
    article = make_article()
    _rules(article, moderator, slow_mode_minutes=5)
    client.force_login(moderator)
    for text in ("One", "Two"):
        assert client.post(reverse("forum:reply_top", args=[article.slug]), {"body": text}).status_code == 302


def test_the_editors_prompt_shows_above_the_reply_box(client, reader, make_article, moderator):
    article = make_article()
    _rules(article, moderator, reply_prompt="Did the withdrawal happen? Tell us what you saw.")
    assert "Did the withdrawal happen? Tell us what you saw." in client.get(article.get_absolute_url()).content.decode()


def test_moderators_set_the_rules_on_the_rules_page_and_it_is_logged(client, make_article, moderator):
    article = make_article()
    client.force_login(moderator)
    url = reverse("forum:moderation_article_rules", args=[article.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"close_after_days": "30", "slow_mode_minutes": "2", "premoderate": "on", "reply_prompt": "Be kind"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.close_after_days, article.slow_mode_minutes, article.premoderate, article.reply_prompt) == (30, 2, True, "Be kind")
    entry = ModerationLog.objects.get(action=ModerationLog.Action.RULES)
    assert entry.actor == moderator and "pre-moderated" in entry.detail and "slow mode 2 min" in entry.detail


@pytest.mark.parametrize("field, value", [("close_after_days", "0"), ("slow_mode_minutes", "-3"), ("slow_mode_minutes", "lots"),
                                          ("reply_prompt", "x" * 501)])
def test_bad_rules_are_a_400_with_the_reason_and_change_nothing(client, make_article, moderator, field, value):
    article = make_article()
    client.force_login(moderator)
    response = client.post(reverse("forum:moderation_article_rules", args=[article.slug]), {field: value})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert people.rules_of(Article.objects.get(pk=article.pk)) == people.ArticleRules()
    assert not ModerationLog.objects.filter(action=ModerationLog.Action.RULES).exists()


def test_only_moderators_see_or_change_the_rules(client, reader, make_article):
    article = make_article()
    url = reverse("forum:moderation_article_rules", args=[article.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"premoderate": "on"}).status_code == 403
    assert Article.objects.get(pk=article.pk).premoderate is False


def test_rules_changed_in_the_admin_go_through_the_logged_service(admin_client, make_article):
    article = make_article(title="Admin rules")
    url = reverse("admin:forum_article_change", args=[article.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, bool)}
    data.update({"title": article.title, "slug": article.slug, "body": article.body, "slow_mode_minutes": "3"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(pk=article.pk).slow_mode_minutes == 3
    assert ModerationLog.objects.filter(action=ModerationLog.Action.RULES, article=article).count() == 1
