"""What Lighthouse's SEO and accessibility audits found missing (issue 17), as a reader or a search
engine sees it: a description on every page, one each, from the page's own view; sign-in and
sign-up with their canonical address; a reply page that stands for the reply it answers; the
card's heading one level under the page's h1."""

import re

import html5lib
import pytest

pytestmark = pytest.mark.django_db


def _head(response):
    assert response.status_code == 200
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    head = document.find("head")
    descriptions = [meta.get("content") for meta in head.iter("meta") if meta.get("name") == "description"]
    canonicals = [link.get("href") for link in head.iter("link") if link.get("rel") == "canonical"]
    return descriptions, canonicals, document


def test_home_describes_the_forum_by_its_articles(client, make_article, settings):
    settings.FORUM_SITE_NAME = "The Forum"
    make_article("Troops leave Syria")
    (description,), _, _ = _head(client.get("/"))
    assert description.startswith("The Forum: threaded discussion of") and "“Troops leave Syria”" in description


def test_an_article_has_one_description_its_standfirst_cut_for_search_results(client, make_article):
    article = make_article("Long", standfirst="word " * 100)
    (description,), (canonical,), _ = _head(client.get(article.get_absolute_url()))
    assert description.startswith("word word") and len(description) <= 155


def test_a_profile_says_whose_replies_and_how_many(client, make_article, make_reply, make_user):
    writer = make_user("writer")
    article = make_article()
    make_reply(article=article, author=writer)
    make_reply(article=article, author=writer)
    (description,), _, _ = _head(client.get(f"/u/{writer.username}/"))
    assert description.startswith(writer.public_name) and "2 replies" in description


def test_sign_in_and_sign_up_have_a_description_and_a_canonical_address_without_next(client, settings):
    settings.FORUM_SITE_URL = "https://forum.example.org"
    for path, words in (("/accounts/login/", "Sign in"), ("/accounts/signup/", "Create an account")):
        (description,), canonicals, _ = _head(client.get(f"{path}?next=/articles/a/"))
        assert description.startswith(words)
        assert canonicals == [f"https://forum.example.org{path}"]


def test_a_page_with_nothing_of_its_own_to_say_gets_the_sites_description_and_no_canonical(client, make_user):
    client.force_login(make_user())
    (description,), canonicals, _ = _head(client.get("/notifications/"))
    assert "threaded discussion of the news" in description and canonicals == []


def test_the_reply_page_describes_the_reply_it_answers_and_points_crawlers_at_it(
    client, make_article, make_reply, settings
):
    settings.FORUM_SITE_URL = "https://forum.example.org"
    article = make_article("Troops leave")
    parent = make_reply(article=article, body="The first words of the reply being answered.")
    url = f"{article.get_absolute_url()}replies/{parent.pk}/reply/?quote=1"
    (description,), canonicals, document = _head(client.get(url))
    assert description.startswith(f"Reply to {parent.author.public_name} on “Troops leave”: The first words")
    assert canonicals == [f"https://forum.example.org{parent.get_absolute_url()}"]
    # The card of the reply being answered is the h1's first subheading, not an h3 under it.
    headings = [element.tag for element in document.iter() if re.fullmatch(r"h[1-6]", str(element.tag))]
    assert headings[:2] == ["h1", "h2"]
    assert document.find(".//*[@class='reply-heading']").tag == "h2"


def test_a_held_replys_words_never_reach_a_reply_page(client, make_article, make_reply, moderator):
    from forum.moderation import actions

    article = make_article()
    parent = make_reply(article=article, body="Words a moderator held back.")
    actions.reply_hold(reply=parent, moderator=moderator, reason="test")
    response = client.get(f"{article.get_absolute_url()}replies/{parent.pk}/reply/")
    assert response.status_code == 400  # a held reply cannot be answered: the refusal says so
    assert b"Words a moderator held back" not in response.content  # nor, in its description, quoted


def test_the_thread_keeps_its_cards_at_h3_under_the_discussions_h2(client, make_article, make_reply):
    article = make_article()
    make_reply(article=article)
    _, _, document = _head(client.get(article.get_absolute_url()))
    assert {element.tag for element in document.iter() if element.get("class") == "reply-heading"} == {"h3"}


def test_messages_are_announced_from_a_status_region_around_the_list(client, make_user):
    from conftest import PASSWORD

    user = make_user()
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD}, follow=True)
    _, _, document = _head(response)
    region = document.find(".//*[@role='status']")
    assert region.tag == "div" and region.find("ul").get("class") == "messages"
    assert "signed in" in "".join(region.itertext()).lower()
