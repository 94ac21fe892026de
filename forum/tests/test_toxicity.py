"""The optional toxicity hook: a nudge first, then a hold with the score; a start-up error when
it is listed without its model. The model is an optional install (requirements-toxicity.txt):
the tests that need it run only where it is installed; the others replace the score with a
fixed number, the one thing the model gives the hook."""

import pytest
from django.core.checks import run_checks
from django.urls import reverse

from forum.moderation import toxicity
from forum.threads.models import Reply

pytestmark = pytest.mark.django_db

HOOK = "forum.moderation.toxicity.toxicity"


@pytest.fixture
def scored(settings, monkeypatch):
    settings.FORUM_MODERATION_HOOKS = [HOOK]
    settings.FORUM_TOXICITY_THRESHOLD = 0.8

    def set_score(value):
        monkeypatch.setattr(toxicity, "score", lambda text: value)

    return set_score


def _post(client, article, **fields):
    return client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "You are all idiots", **fields})


def test_a_toxic_reply_is_nudged_once_with_its_text_kept_and_nothing_written(client, make_user, make_article, scored):
    scored(0.93)
    article = make_article()
    client.force_login(make_user("writer"))
    response = _post(client, article)
    page = response.content.decode()
    assert response.status_code == 400 and "may read as abusive" in page
    assert "You are all idiots" in page and 'name="post_anyway"' in page
    assert not Reply.objects.exists()


def test_posted_anyway_it_is_held_with_its_score_for_the_moderators(client, make_user, make_article, scored):
    scored(0.93)
    article = make_article()
    client.force_login(make_user("writer"))
    assert _post(client, article, post_anyway="on").status_code == 302
    reply = Reply.objects.get()
    assert reply.status == Reply.Status.HELD and "Toxicity score 0.93" in reply.hold_reason


def test_below_the_threshold_nothing_happens(client, make_user, make_article, scored):
    scored(0.2)
    article = make_article()
    client.force_login(make_user("writer"))
    assert _post(client, article).status_code == 302
    assert Reply.objects.get().status == Reply.Status.PUBLISHED


def test_listed_without_its_model_the_forum_will_not_start(settings):
    if toxicity.available():
        pytest.skip("the model is installed here")
    settings.FORUM_MODERATION_HOOKS = [HOOK]
    assert "forum.E006" in [message.id for message in run_checks()]


def test_the_real_model_nudges_the_seeds_slur_and_passes_a_plain_reply():
    pytest.importorskip("profanity_check")
    assert toxicity.score("Please… You piss all over this website nigga…") > 0.8
    assert toxicity.score("Russia will keep its bases at Tartus and Hmeimim.") < 0.5


def test_the_in_place_box_is_told_the_words_of_post_it_anyway(client, make_user, make_article, scored):
    """thread.js posts with Accept: JSON (the embedded frame cannot show the nudge's page): the
    answer names the box it adds to the form; nothing is written."""
    scored(0.93)
    article = make_article()
    client.force_login(make_user("writer"))
    response = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "You are all idiots"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 400
    answer = response.json()
    assert answer["nudged"] is True and "may read as abusive" in answer["error"]
    assert answer["post_anyway"].startswith("Post it anyway")
    assert not Reply.objects.exists()
