"""Recommend (issue 10, "Weigh"): one positive reaction per reader and reply, toggled on and off,
counted on the card, refused where it makes no sense, and rate-limited."""

import json
import re

import pytest
from django.urls import reverse

from forum.moderation import actions, suspensions
from forum.posting import services as posting
from forum.reactions.models import Recommendation
from forum.threads.models import Reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(make_article, make_user, make_moderator):
    article = make_article(title="Weighing")
    author, reader = make_user("writer"), make_user("reader")
    first = posting.reply_create(article=article, author=author, body="The first reply")
    second = posting.reply_create(article=article, author=author, body="The second reply")
    return article, author, reader, first, second


def _recommend(client, reply, on="1", *, as_json=False, **fields):
    headers = {"Accept": "application/json"} if as_json else {}
    return client.post(reverse("forum:recommend", args=[reply.pk]), {"on": on, **fields}, headers=headers)


def _card(page: str, reply) -> str:
    start = page.index(f'id="r{reply.pk}"')
    return page[start : page.index("</article>", start)]


def test_recommending_lands_back_on_the_reply_and_the_card_counts_it_and_shows_it_pressed(client, scene):
    article, author, reader, first, second = scene
    client.force_login(reader)
    response = _recommend(client, second)
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#r{second.pk}"
    assert Recommendation.objects.filter(user=reader, reply=second).count() == 1
    assert Reply.objects.get(pk=second.pk).recommend_count == 1
    card = _card(client.get(article.get_absolute_url()).content.decode(), second)
    assert "1 recommendation" in card and 'aria-pressed="true"' in card and ">Recommend</button>" in card
    other = _card(client.get(article.get_absolute_url()).content.decode(), first)
    assert 'aria-pressed="false"' in other and "recommendation" not in other


def test_withdrawing_takes_it_back_and_a_second_click_of_a_stale_page_changes_nothing(client, scene):
    article, author, reader, first, second = scene
    client.force_login(reader)
    _recommend(client, second)
    _recommend(client, second)  # the same page, clicked twice: still one
    assert Reply.objects.get(pk=second.pk).recommend_count == 1
    assert _recommend(client, second, on="0").status_code == 302
    _recommend(client, second, on="0")
    assert not Recommendation.objects.exists()
    assert Reply.objects.get(pk=second.pk).recommend_count == 0
    assert Reply.objects.get(pk=second.pk).best_score == 0


def test_each_reader_counts_once(client, scene, make_user):
    article, author, reader, first, second = scene
    for person in (reader, make_user(), make_user()):
        client.force_login(person)
        _recommend(client, first)
    assert Reply.objects.get(pk=first.pk).recommend_count == 3
    client.logout()
    assert "3 recommendations" in _card(client.get(article.get_absolute_url()).content.decode(), first)


def test_the_redirect_finds_the_reply_on_its_page_in_the_readers_order(client, settings, scene, make_reply):
    article, author, reader, first, second = scene
    settings.FORUM_PAGE_SIZE = 1
    client.force_login(reader)
    response = _recommend(client, first, sort="newest")
    assert response["Location"] == f"{article.get_absolute_url()}?page=2&sort=newest#r{first.pk}"


def test_a_reply_below_the_display_depth_lands_on_its_own_page(client, settings, scene, make_user):
    # The article page draws it only behind "Continue this thread": its own page draws it, as
    # for a reply posted there (forum.threads.navigation.reply_in_thread_url).
    article, author, reader, first, second = scene
    settings.FORUM_DISPLAY_DEPTH = 2
    child = posting.reply_create(article=article, parent=first, author=author, body="Child")
    grandchild = posting.reply_create(article=article, parent=child, author=author, body="Grandchild")
    client.force_login(reader)
    assert _recommend(client, grandchild)["Location"] == grandchild.get_landing_url()


def test_with_javascript_the_answer_is_the_new_state_in_json(client, scene):
    article, author, reader, first, second = scene
    client.force_login(reader)
    response = _recommend(client, first, as_json=True)
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "count": 1, "count_label": "1 recommendation", "pressed": "true", "value": "0", "label": "Recommend",
    }


# --- Refusals: a clear message, a 4xx, and nothing written ---------------------------------------


def _nothing_written(reply):
    assert not Recommendation.objects.exists()
    assert Reply.objects.get(pk=reply.pk).recommend_count == 0


def test_your_own_reply_cannot_be_recommended(client, scene):
    article, author, reader, first, second = scene
    client.force_login(author)
    response = _recommend(client, first)
    assert response.status_code == 400
    assert "You cannot recommend your own reply." in response.content.decode()
    _nothing_written(first)
    assert "Recommend" not in _card(client.get(article.get_absolute_url()).content.decode(), first)


@pytest.mark.parametrize("state, message", [
    ("held", "awaiting moderation"),
    ("removed", "was removed"),
])
def test_held_and_removed_replies_cannot_be_recommended(client, scene, moderator, state, message):
    article, author, reader, first, second = scene
    if state == "held":
        actions.reply_hold(reply=first, moderator=moderator, reason="Check")
    else:
        actions.reply_remove_by_moderator(reply=first, moderator=moderator, reason="Gone")
    client.force_login(reader)
    response = _recommend(client, first)
    assert response.status_code == 400 and message in response.content.decode()
    _nothing_written(first)
    assert "Recommend" not in _card(client.get(article.get_absolute_url()).content.decode(), first)


def test_a_recommendation_cannot_be_withdrawn_from_a_reply_removed_since(client, scene, moderator):
    article, author, reader, first, second = scene
    client.force_login(reader)
    _recommend(client, first)
    actions.reply_remove_by_moderator(reply=first, moderator=moderator, reason="Gone")
    assert _recommend(client, first, on="0").status_code == 400
    assert Recommendation.objects.count() == 1


def test_signed_out_readers_are_sent_to_sign_in_and_back(client, scene):
    article, author, reader, first, second = scene
    response = _recommend(client, first)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    _nothing_written(first)
    # The card offers a link that leads there too, and back to the reply once signed in.
    card = _card(client.get(article.get_absolute_url()).content.decode(), first)
    link = re.search(r'<a href="([^"]+)" class="recommend">Recommend</a>', card).group(1)
    client.force_login(reader)
    assert client.get(link)["Location"] == f"{article.get_absolute_url()}#r{first.pk}"
    _nothing_written(first)


def test_a_suspended_reader_is_refused_and_offered_no_button(client, scene, moderator):
    article, author, reader, first, second = scene
    suspensions.user_ban(user=reader, moderator=moderator, reason="Trolling")
    client.force_login(reader)
    response = _recommend(client, first)
    assert response.status_code == 403 and "suspended" in response.content.decode()
    _nothing_written(first)
    assert "Recommend" not in _card(client.get(article.get_absolute_url()).content.decode(), first)


def test_an_unverified_account_is_refused(client, scene, make_user):
    article, author, reader, first, second = scene
    client.force_login(make_user(verified=False))
    response = _recommend(client, first)
    assert response.status_code == 403 and "verify your email address" in response.content.decode()
    _nothing_written(first)


@pytest.mark.parametrize("fields, message", [
    ({"on": "maybe"}, "Say whether to recommend"),
    ({}, "Say whether to recommend"),
    ({"on": "1", "sort": "loudest"}, "There is no sort order"),
])
def test_a_bad_form_is_a_400_that_says_why(client, scene, fields, message):
    article, author, reader, first, second = scene
    client.force_login(reader)
    response = client.post(reverse("forum:recommend", args=[first.pk]), fields)
    assert response.status_code == 400 and message in response.content.decode()
    _nothing_written(first)


def test_an_unknown_reply_is_a_404(client, scene):
    article, author, reader, first, second = scene
    client.force_login(reader)
    response = client.post(reverse("forum:recommend", args=[10**6]), {"on": "1"})
    assert response.status_code == 404 and "There is no reply" in response.content.decode()
    assert not Recommendation.objects.exists()


def test_recommending_too_fast_is_a_429_with_retry_after(client, settings, scene, make_reply):
    article, author, reader, first, second = scene
    settings.FORUM_RECOMMEND_RATE = 2
    client.force_login(reader)
    _recommend(client, first)
    _recommend(client, first, on="0")
    response = _recommend(client, second)
    assert response.status_code == 429 and "too fast" in response.content.decode()
    assert int(response["Retry-After"]) >= 1
    _nothing_written(second)
    answer = _recommend(client, second, as_json=True)
    assert answer.status_code == 429 and "too fast" in json.loads(answer.content)["error"]


def test_a_refusal_asked_for_json_is_json(client, scene):
    article, author, reader, first, second = scene
    client.force_login(author)
    response = _recommend(client, first, as_json=True)
    assert response.status_code == 400
    assert json.loads(response.content) == {"error": "You cannot recommend your own reply."}


def test_the_form_needs_its_csrf_token(scene):
    from django.test import Client

    article, author, reader, first, second = scene
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert _recommend(client, first).status_code == 403
    _nothing_written(first)
    page = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<form id="recommend-form" method="post" class="recommend-form">'
                     r'<input type="hidden" name="csrfmiddlewaretoken"', page)


# --- The members' shared page and the cache -----------------------------------------------------


def test_the_shared_page_shows_each_reader_their_own_recommendations(client, settings, scene, make_user, committed):
    article, author, reader, first, second = scene
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    committed(lambda: client.force_login(reader) or _recommend(client, second))
    laid = client.get(article.get_absolute_url()).content.decode()  # a miss: drawn, kept, laid over
    again = client.get(article.get_absolute_url()).content.decode()  # a hit
    for page in (laid, again):
        assert 'aria-pressed="true"' in _card(page, second) and 'aria-pressed="false"' in _card(page, first)
    client.force_login(make_user())
    other = client.get(article.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in _card(other, second) and "1 recommendation" in _card(other, second)


def test_a_recommendation_reaches_the_cached_signed_out_page_at_once(client, settings, scene, committed):
    from django.test import Client

    article, author, reader, first, second = scene
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    assert "recommendation" not in client.get(article.get_absolute_url()).content.decode()
    member = Client()
    member.force_login(reader)
    committed(_recommend, member, first)
    assert "1 recommendation" in _card(client.get(article.get_absolute_url()).content.decode(), first)


def test_a_reply_page_carries_the_recommend_form_and_the_readers_state(client, scene):
    article, author, reader, first, second = scene
    client.force_login(reader)
    _recommend(client, first)
    page = client.get(first.get_absolute_url()).content.decode()
    assert 'id="recommend-form"' in page and 'aria-pressed="true"' in _card(page, first)


@pytest.mark.parametrize("sort", ["oldest", "best"])
def test_the_overlaid_page_with_recommendations_equals_the_page_drawn_for_the_reader(
    client, settings, make_article, make_user, sort
):
    from datetime import timedelta

    from django.utils import timezone

    from forum.reactions import services as reactions
    from forum.threads import services as articles
    from testkit.forest import build_forest

    article = make_article()
    reader, other = make_user(), make_user()
    replies = build_forest(article, other, 80, first_created=timezone.now() - timedelta(hours=3))
    articles.visit_record(user=reader, article=article, at=timezone.now() - timedelta(hours=2), previous=None)
    for reply in replies[3:40:7]:
        reactions.recommend_set(reply=reply, user=reader, on=True)
    reactions.recommend_set(reply=replies[5], user=make_user(), on=True)
    posting.reply_create(article=article, parent=replies[3], author=reader, body="Mine")
    url = article.get_absolute_url() + f"?sort={sort}"
    tokens = re.compile(r'(name="(?:csrfmiddlewaretoken|form_token)" value=")[^"]*"')
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.force_login(make_user())  # someone else draws the members' shared thread
    client.get(url)
    client.force_login(reader)
    laid = tokens.sub(r'\1…"', client.get(url).content.decode())
    settings.FORUM_THREAD_CACHE_SECONDS = 0
    direct = tokens.sub(r'\1…"', client.get(url).content.decode())
    assert laid == direct
    assert laid.count('aria-pressed="true"') == len(replies[3:40:7])


def test_a_reply_on_a_draft_article_is_not_there_for_readers(client, scene):
    article, author, reader, first, second = scene
    article.draft = True
    article.save(update_fields=["draft"])
    client.force_login(reader)
    response = _recommend(client, first)
    assert response.status_code == 404 and "There is no reply" in response.content.decode()
    _nothing_written(first)
