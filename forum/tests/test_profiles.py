"""A person's page at /users/<username>/: their name, when they joined, their replies."""

import pytest
from django.urls import reverse

from forum.posting import services as posting

pytestmark = pytest.mark.django_db


def test_the_profile_shows_name_join_date_and_replies_newest_first(client, make_user, make_article):
    article = make_article()
    person = make_user("writer", display_name="A Writer")
    older = posting.reply_create(article=article, author=person, body="Older words")
    newer = posting.reply_create(article=article, author=person, body="Newer words")
    page = client.get(reverse("forum:profile", args=["writer"])).content.decode()
    assert "A Writer" in page and "@writer" in page and "joined" in page
    assert page.index("Newer words") < page.index("Older words")
    assert f'href="{newer.get_absolute_url()}"' in page
    assert f'href="{older.get_absolute_url()}"' in page


def test_an_imported_commenters_profile_says_the_join_date_is_unknown(client, seeded):
    page = client.get(reverse("forum:profile", args=["Atle_Rørdam"])).content.decode()
    assert "Atle Rørdam" in page and "joining date not recorded" in page


def test_an_unknown_person_is_a_404_that_says_so(client):
    response = client.get(reverse("forum:profile", args=["nobody-here"]))
    assert response.status_code == 404 and "There is nobody called “nobody-here” here." in response.content.decode()
