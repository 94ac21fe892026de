"""oEmbed for a reply's permalink: type rich, an iframe of the reply in its context, discovery
links on permalink pages; 404 for what is not a reply's permalink, 501 for XML, 400 for a bad url."""

import pytest
from django.urls import reverse

from forum.moderation import actions
from forum.web import absolute_url

pytestmark = pytest.mark.django_db


def oembed(client, url, **params):
    return client.get(reverse("forum:oembed"), {"url": url, **params})


@pytest.fixture
def exchange(make_article, make_reply):
    article = make_article(title="The vote")
    first = make_reply(article=article, body="The first word")
    answer = make_reply(article=article, parent=first, body="An answer to it")
    return article, first, answer


def test_a_permalink_is_a_rich_embed_of_the_reply_in_its_context(client, exchange):
    article, first, answer = exchange
    response = oembed(client, absolute_url(answer.get_absolute_url()), format="json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert data["width"] == 600 and data["height"] == 400
    assert data["author_name"] == answer.author.public_name
    assert data["title"] == f"{answer.author.public_name} on “The vote”"
    assert data["provider_url"] == absolute_url("/")
    frame = absolute_url(reverse("forum:embed_reply", kwargs={"pk": answer.pk}))
    assert data["html"].startswith(f'<iframe src="{frame}" width="600" height="400"')
    page = client.get(reverse("forum:embed_reply", kwargs={"pk": answer.pk}))
    html = page.content.decode()
    assert page.status_code == 200 and "An answer to it" in html and "The first word" in html  # in its context
    assert "frame-ancestors *" in page["Content-Security-Policy"] and "X-Frame-Options" not in page.headers
    assert 'class="site-header"' not in html and '<base target="_blank">' in html


def test_maxwidth_and_maxheight_are_honoured(client, exchange):
    data = oembed(client, absolute_url(exchange[1].get_absolute_url()), maxwidth="320", maxheight="200").json()
    assert (data["width"], data["height"]) == (320, 200) and 'width="320" height="200"' in data["html"]


@pytest.mark.parametrize("size", ["²", "-5", "0", "1e3", "abc"])
def test_a_size_that_is_not_a_whole_number_falls_back_to_the_default(client, exchange, size):
    response = oembed(client, absolute_url(exchange[1].get_absolute_url()), maxwidth=size, maxheight=size)
    assert response.status_code == 200 and (response.json()["width"], response.json()["height"]) == (600, 400)


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/articles/x/replies/1/",
        "__ARTICLE__",
        "__MISSING__",
        "__REMOVED__",
    ],
)
def test_what_is_not_a_replys_permalink_is_a_404(client, exchange, moderator, url):
    article, first, answer = exchange
    if url == "__ARTICLE__":
        url = absolute_url(article.get_absolute_url())
    elif url == "__MISSING__":
        url = absolute_url(reverse("forum:reply", kwargs={"slug": article.slug, "pk": 999_999}))
    elif url == "__REMOVED__":
        actions.reply_remove_by_moderator(reply=answer, moderator=moderator, reason="Off topic")
        url = absolute_url(answer.get_absolute_url())
    response = oembed(client, url)
    assert response.status_code == 404 and "not the permalink of a reply" in response.json()["error"]


def test_xml_is_not_implemented(client, exchange):
    response = oembed(client, absolute_url(exchange[1].get_absolute_url()), format="xml")
    assert response.status_code == 501 and response.json() == {"error": "Only format=json is served."}


@pytest.mark.parametrize("url", ["", "not a url", "javascript:alert(1)"])
def test_a_bad_url_is_a_400(client, db, url):
    response = oembed(client, url)
    assert response.status_code == 400 and "permalink" in response.json()["error"]


def test_the_frame_of_a_missing_or_removed_reply_is_a_404(client, exchange, moderator):
    assert client.get(reverse("forum:embed_reply", kwargs={"pk": 999_999})).status_code == 404
    actions.reply_remove_by_moderator(reply=exchange[2], moderator=moderator, reason="Off topic")
    assert client.get(reverse("forum:embed_reply", kwargs={"pk": exchange[2].pk})).status_code == 404


def test_permalink_pages_carry_the_discovery_link(client, exchange):
    answer = exchange[2]
    html = client.get(answer.get_absolute_url()).content.decode()
    expected = (absolute_url(reverse("forum:oembed")) + "?url=" +
                absolute_url(answer.get_absolute_url()).replace(":", "%3A").replace("/", "%2F") + "&amp;format=json")
    assert f'<link rel="alternate" type="application/json+oembed" href="{expected}"' in html
