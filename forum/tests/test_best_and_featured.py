"""The "best" order (Wilson lower bound over recommendations and open flags), featured replies
(an editor's pick, in a strip above the discussion) and the staff badge (issue 10, "Weigh")."""

import math
import re

import pytest
from django.urls import reverse

from forum.moderation import actions
from forum.moderation.models import ModerationLog
from forum.posting import services as posting
from forum.reactions import services as reactions
from forum.reactions.scoring import Z, wilson_lower_bound
from forum.threads.models import Reply
from testkit.forest import build_forest

pytestmark = pytest.mark.django_db


# --- The score: a pure function ------------------------------------------------------------------


def test_the_wilson_lower_bound_has_its_known_values():
    assert Z == 1.2816
    assert wilson_lower_bound(0, 0) == 0.0
    # One vote of one: (1 + z²/2 - z·sqrt(z²/4)) / (1 + z²) = 1 / (1 + z²).
    assert wilson_lower_bound(1, 0) == pytest.approx(1 / (1 + Z * Z))
    assert wilson_lower_bound(1, 0) == pytest.approx(0.378430, abs=1e-6)
    # Evan Miller's formula, written out apart from the module, at 80% and at 95% confidence.
    for positive, negative, z in ((30, 2, Z), (10, 10, Z), (600, 400, 1.96)):
        n = positive + negative
        p = positive / n
        expected = (p + z * z / (2 * n) - z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)) / (1 + z * z / n)
        assert wilson_lower_bound(positive, negative, z) == pytest.approx(expected)
    assert wilson_lower_bound(600, 400, 1.96) == pytest.approx(0.5693, abs=1e-4)  # the textbook 60% of 1,000
    assert wilson_lower_bound(0, 5) == 0.0


def test_more_evidence_ranks_higher_than_a_perfect_share_of_little():
    assert wilson_lower_bound(30, 2) > wilson_lower_bound(3, 0) > wilson_lower_bound(1, 0) > 0
    assert wilson_lower_bound(5, 0) > wilson_lower_bound(5, 3) > wilson_lower_bound(5, 10)


# --- The order ----------------------------------------------------------------------------------


@pytest.fixture
def thread(make_article, make_user):
    """Three top-level replies, the first with three answers, and four readers."""
    article = make_article(title="Best")
    author = make_user("writer")
    tops = [posting.reply_create(article=article, author=author, body=f"Top {n}") for n in range(3)]
    answers = [posting.reply_create(article=article, parent=tops[0], author=author, body=f"Answer {n}") for n in range(3)]
    readers = [make_user() for _ in range(4)]
    return article, tops, answers, readers


def _order(client, article, sort="best"):
    page = client.get(article.get_absolute_url() + f"?sort={sort}").content.decode()
    return [int(pk) for pk in re.findall(r'<li class="reply[^"]*" id="r(\d+)"', page)], page


def test_best_puts_recommended_branches_and_siblings_first_and_ties_oldest_first(client, thread):
    article, tops, answers, readers = thread
    for reader in readers[:2]:
        reactions.recommend_set(reply=tops[2], user=reader, on=True)
    reactions.recommend_set(reply=tops[1], user=readers[0], on=True)
    reactions.recommend_set(reply=answers[2], user=readers[0], on=True)
    order, page = _order(client, article)
    assert order == [tops[2].pk, tops[1].pk, tops[0].pk, answers[2].pk, answers[0].pk, answers[1].pk]
    assert "has been recommended yet" not in page
    assert '<strong aria-current="true">Best</strong>' in page


def test_an_open_flag_counts_against_a_reply_until_it_is_dismissed(client, thread, moderator):
    article, tops, answers, readers = thread
    for top in tops[:2]:
        reactions.recommend_set(reply=top, user=readers[0], on=True)
    actions.reply_flag(reply=tops[0], flagger=readers[1], reason="spam")
    assert Reply.objects.get(pk=tops[0].pk).best_score == pytest.approx(wilson_lower_bound(1, 1))
    assert _order(client, article)[0][:2] == [tops[1].pk, tops[0].pk]
    actions.flags_dismiss(reply=tops[0], moderator=moderator)
    assert Reply.objects.get(pk=tops[0].pk).best_score == pytest.approx(wilson_lower_bound(1, 0))
    tops_shown = [pk for pk in _order(client, article)[0] if pk in {top.pk for top in tops}]
    assert tops_shown[:2] == [tops[0].pk, tops[1].pk]


def test_withdrawing_the_last_recommendation_returns_the_reply_to_its_place(client, thread):
    article, tops, answers, readers = thread
    reactions.recommend_set(reply=tops[2], user=readers[0], on=True)
    assert _order(client, article)[0][0] == tops[2].pk
    reactions.recommend_set(reply=tops[2], user=readers[0], on=False)
    assert _order(client, article)[0] == _order(client, article, "oldest")[0]


def test_best_pages_and_the_reply_page_link_back_agree(client, settings, thread):
    article, tops, answers, readers = thread
    settings.FORUM_PAGE_SIZE = 1
    reactions.recommend_set(reply=tops[2], user=readers[0], on=True)
    assert _order(client, article)[0][0] == tops[2].pk
    second = client.get(article.get_absolute_url() + "?sort=best&page=2").content.decode()
    assert f'id="r{tops[0].pk}"' in second
    reply_page = client.get(answers[0].get_absolute_url() + "?sort=best").content.decode()
    assert f'href="{article.get_absolute_url()}?page=2&amp;sort=best#r{answers[0].pk}"' in reply_page


def test_without_votes_best_is_oldest_first_and_says_so(client, seeded):
    from forum.threads.models import Article

    for article in Article.objects.all():
        best, page = _order(client, article)
        assert best == _order(client, article, "oldest")[0]
        if best:
            assert "No reply here has been recommended yet, so “Best” shows them oldest first." in page


# --- Featured -----------------------------------------------------------------------------------


def _feature(client, reply, action="feature"):
    return client.post(reverse("forum:moderation_action", args=[reply.pk, action]), {"reason": "Well argued"})


def _strip(page: str) -> str:
    match = re.search(r'<section class="featured".*?</section>', page, re.S)
    return match.group(0) if match else ""


def test_a_moderator_features_a_reply_it_shows_above_the_discussion_and_is_logged(client, thread, moderator):
    article, tops, answers, readers = thread
    client.force_login(moderator)
    assert _feature(client, answers[1]).status_code == 302
    entry = ModerationLog.objects.get(action=ModerationLog.Action.FEATURE)
    assert entry.reply_id == answers[1].pk and entry.actor == moderator and entry.reason == "Well argued"
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    strip = _strip(page)
    assert "Editor’s picks" in strip and "writer" in strip and "Answer 1" in strip
    assert f'href="#r{answers[1].pk}"' in strip
    assert page.index('class="featured"') < page.index('id="discussion"')
    assert "featured a reply" in client.get(reverse("forum:moderation_log")).content.decode()


def test_unfeaturing_takes_it_out_and_is_logged(client, thread, moderator):
    article, tops, answers, readers = thread
    client.force_login(moderator)
    _feature(client, tops[1])
    assert _feature(client, tops[1], "unfeature").status_code == 302
    assert not Reply.objects.get(pk=tops[1].pk).featured
    assert ModerationLog.objects.filter(action=ModerationLog.Action.UNFEATURE).count() == 1
    assert _strip(client.get(article.get_absolute_url()).content.decode()) == ""


def test_a_pick_on_another_page_links_to_its_page_in_the_readers_order(client, settings, thread, moderator):
    article, tops, answers, readers = thread
    settings.FORUM_PAGE_SIZE = 1
    actions.reply_feature(reply=tops[2], moderator=moderator)
    strip = _strip(client.get(article.get_absolute_url() + "?sort=newest&page=3").content.decode())
    link = re.search(r'<a href="([^"]+)" class="featured-link"', strip).group(1).replace("&amp;", "&")
    assert link == reverse("forum:reply_in_thread", args=[article.slug, tops[2].pk]) + "?sort=newest"
    assert client.get(link)["Location"] == f"{article.get_absolute_url()}?sort=newest#r{tops[2].pk}"
    # The oldest-first page 3 holds it.
    assert client.get(link.split("?")[0])["Location"] == f"{article.get_absolute_url()}?page=3#r{tops[2].pk}"


def test_the_way_to_a_reply_refuses_another_articles_reply_and_a_bad_order(client, thread, make_article):
    article, tops, answers, readers = thread
    other = make_article()
    response = client.get(reverse("forum:reply_in_thread", args=[other.slug, tops[0].pk]))
    assert response.status_code == 404 and "There is no reply" in response.content.decode()
    response = client.get(reverse("forum:reply_in_thread", args=[article.slug, tops[0].pk]) + "?sort=loud")
    assert response.status_code == 400 and "There is no sort order" in response.content.decode()


@pytest.mark.parametrize("state", ["held", "removed"])
def test_only_a_published_reply_can_be_featured(client, thread, moderator, state):
    article, tops, answers, readers = thread
    if state == "held":
        actions.reply_hold(reply=tops[0], moderator=moderator, reason="Check")
    else:
        actions.reply_remove_by_moderator(reply=tops[0], moderator=moderator, reason="Gone")
    logged = ModerationLog.objects.count()
    client.force_login(moderator)
    response = _feature(client, tops[0])
    assert response.status_code == 409 and "Only a published reply can be featured." in response.content.decode()
    assert not Reply.objects.get(pk=tops[0].pk).featured and ModerationLog.objects.count() == logged


def test_featuring_twice_is_a_conflict_and_unfeaturing_what_is_not_featured_too(client, thread, moderator):
    article, tops, answers, readers = thread
    client.force_login(moderator)
    _feature(client, tops[0])
    response = _feature(client, tops[0])
    assert response.status_code == 409 and "already featured" in response.content.decode()
    response = _feature(client, tops[1], "unfeature")
    assert response.status_code == 409 and "not featured" in response.content.decode()
    assert ModerationLog.objects.filter(action__in=["feature", "unfeature"]).count() == 1


def test_readers_cannot_feature(client, thread):
    article, tops, answers, readers = thread
    client.force_login(readers[0])
    response = _feature(client, tops[0])
    assert response.status_code == 403 and "Only moderators" in response.content.decode()
    assert not Reply.objects.filter(featured=True).exists() and not ModerationLog.objects.exists()


def test_a_pick_held_later_leaves_the_strip(client, thread, moderator):
    article, tops, answers, readers = thread
    actions.reply_feature(reply=tops[0], moderator=moderator)
    actions.reply_hold(reply=tops[0], moderator=moderator, reason="Check")
    assert _strip(client.get(article.get_absolute_url()).content.decode()) == ""


def test_the_moderation_page_and_the_admin_offer_feature_for_a_published_reply(client, thread, moderator):
    article, tops, answers, readers = thread
    client.force_login(moderator)
    page = client.get(reverse("forum:moderation_reply", args=[tops[0].pk])).content.decode()
    assert "Feature (editor&#x27;s pick)" in page and "Unfeature" not in page
    changelist = client.get(reverse("admin:forum_reply_changelist")).content.decode()
    assert 'value="feature"' in changelist and 'value="unfeature"' in changelist


def test_featuring_reaches_cached_pages_at_once(client, settings, thread, moderator, make_user, committed):
    article, tops, answers, readers = thread
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.get(article.get_absolute_url())
    member = make_user()
    from django.test import Client

    signed_in = Client()
    signed_in.force_login(member)
    signed_in.get(article.get_absolute_url())
    committed(actions.reply_feature, reply=tops[1], moderator=moderator)
    assert "Top 1" in _strip(client.get(article.get_absolute_url()).content.decode())
    assert "Top 1" in _strip(signed_in.get(article.get_absolute_url()).content.decode())  # the shared page's hit


# --- The staff badge ----------------------------------------------------------------------------


def test_moderators_replies_carry_the_staff_badge_and_others_do_not(client, thread, moderator):
    article, tops, answers, readers = thread
    mine = posting.reply_create(article=article, author=moderator, body="A word from the desk")
    actions.reply_feature(reply=mine, moderator=moderator)
    page = client.get(article.get_absolute_url()).content.decode()
    card = page[page.index(f'id="r{mine.pk}"') :]
    assert re.match(r'id="r\d+"><article[^>]*>\s*<header class="reply-head">\s*<h3[^>]*><a class="reply-author"[^>]*>mod</a>'
                    r' <span class="staff-badge"', card)
    assert "staff-badge" in _strip(page)
    writer = page[page.index(f'id="r{tops[0].pk}"') : page.index("</header>", page.index(f'id="r{tops[0].pk}"'))]
    assert "staff-badge" not in writer


# --- Queries: the same at any size, with recommendations and picks -----------------------------


@pytest.mark.parametrize("sort", ["best", "oldest"])
@pytest.mark.parametrize("viewer", ["anonymous", "signed-in"])
def test_picks_and_recommendations_add_no_query_at_50_or_5000_replies(
    client, make_article, make_user, moderator, django_assert_num_queries, viewer, sort
):
    author, reader = make_user(), make_user()
    articles = []
    for size in (50, 5000):
        article = make_article()
        replies = build_forest(article, author, size)
        for reply in (replies[1], replies[-1]):  # one on the first page, one far from it
            actions.reply_feature(reply=reply, moderator=moderator)
            reactions.recommend_set(reply=reply, user=reader, on=True)
        articles.append(article)
    expected = 3
    if viewer == "signed-in":
        client.force_login(reader)
        expected = 6
    for article in articles:
        with django_assert_num_queries(expected):
            page = client.get(article.get_absolute_url() + f"?sort={sort}").content.decode()
        assert page.count('class="featured-pick"') == 2
