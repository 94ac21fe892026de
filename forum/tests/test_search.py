"""Search: what a reader finds, what they never find, how a bad search is answered, what it costs,
and the moderators' search. Runs on SQLite (FTS5) and PostgreSQL (tsvector) alike."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from forum.models import Reply
from forum.moderation import actions
from forum.posting import services as posting
from forum.rendering import MATCH_START, MATCH_STOP, snippet_html
from forum.search import query as parsing
from forum.search import schema
from forum.threads import services as articles
from testkit.forest import build_forest

pytestmark = pytest.mark.django_db

HIT_LINK = re.compile(r'<a href="([^"]+)" class="search-hit-link">')


def search(client, q, **params):
    return client.get(reverse("forum:search"), {"q": q, **params})


def found(response) -> list[int]:
    """The replies a results page links to, in its order."""
    return [int(re.search(r"#r(\d+)$", url).group(1)) for url in HIT_LINK.findall(response.content.decode())]


@pytest.fixture
def article(make_article):
    return make_article(title="Putin orders a withdrawal", slug="withdrawal", body="Troops leave Hmeymim air base.")



# What a reader finds ----------------------------------------------------------------------------


def test_a_published_reply_is_found_with_its_words_marked_and_a_link_to_its_place(client, article, make_reply):
    reply = make_reply(article=article, body="The tanks rolled back to Latakia after the parade.")
    make_reply(article=article, body="Nothing to see here.")

    response = search(client, "tank")

    assert response.status_code == 200
    assert found(response) == [reply.pk]
    page = response.content.decode()
    assert "<mark>tanks</mark>" in page  # stemmed: "tank" finds "tanks"
    assert f'href="/articles/withdrawal/replies/{reply.pk}/#r{reply.pk}"' in page


def test_the_reply_a_result_links_to_is_drawn_highlighted_on_its_page(client, article, make_reply):
    reply = make_reply(article=article, body="Armata tanks on Red Square.")
    url = HIT_LINK.findall(search(client, "armata").content.decode())[0]

    page = client.get(url.split("#")[0]).content.decode()

    assert re.search(rf'<li class="reply[^"]*is-focus[^"]*" id="r{reply.pk}"', page)


def test_phrases_exclusions_and_or_mean_what_they_say(client, article, make_reply):
    both = make_reply(article=article, body="A half victory for Russia in Syria.")
    apart = make_reply(article=article, body="Victory is half the story, said Russia.")
    other = make_reply(article=article, body="The Kurds held the line.")

    assert found(search(client, '"half victory"')) == [both.pk]
    assert set(found(search(client, "victory -story"))) == {both.pk}
    assert set(found(search(client, "kurds or story"))) == {apart.pk, other.pk}
    assert set(found(search(client, 'russia -"half victory"'))) == {apart.pk}


def test_articles_are_found_by_title_and_body(client, article, make_article):
    make_article(title="Markets in Moscow", slug="markets", body="Grain prices.")

    page = search(client, "hmeymim").content.decode()
    assert 'href="/articles/withdrawal/"' in page and "/articles/markets/" not in page
    assert "/articles/withdrawal/" in search(client, "putin withdrawal").content.decode()


def test_the_search_this_discussion_box_keeps_to_the_article(client, article, make_article, make_reply):
    here = make_reply(article=article, body="Hmeymim is a Russian air base.")
    elsewhere = make_reply(article=make_article(), body="Hmeymim again, on another article.")

    box = client.get(article.get_absolute_url()).content.decode()
    assert 'name="article" value="withdrawal"' in box and 'action="/search/"' in box
    assert found(search(client, "hmeymim", article="withdrawal")) == [here.pk]
    assert set(found(search(client, "hmeymim"))) == {here.pk, elsewhere.pk}


def test_an_unknown_article_to_search_in_is_a_404_with_a_message(client, article):
    response = search(client, "tank", article="no-such-article")
    assert response.status_code == 404
    assert "no such article to search in" in response.content.decode()


def test_author_keeps_one_persons_replies(client, article, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    hers = posting.reply_create(article=article, author=alice, body="Palmyra was retaken.")
    posting.reply_create(article=article, author=bob, body="Palmyra fell twice.")

    assert found(search(client, "palmyra author:alice")) == [hers.pk]
    assert found(search(client, "author:ALICE palmyra")) == [hers.pk]  # usernames in any case
    nobody = search(client, "palmyra author:carol")
    assert nobody.status_code == 200 and found(nobody) == []
    assert "nobody called “carol”" in nobody.content.decode()


def test_results_are_paged(client, settings, article, make_reply):
    settings.FORUM_SEARCH_PAGE_SIZE = 2
    replies = [make_reply(article=article, body=f"Convoy number {n} crossed the Euphrates.") for n in range(5)]

    first, second, third = (search(client, "euphrates", page=n) for n in (1, 2, 3))

    shown = found(first) + found(second) + found(third)
    assert sorted(shown) == sorted(reply.pk for reply in replies)
    assert 'rel="next"' in first.content.decode() and 'rel="next"' not in third.content.decode()
    assert "(5)" in first.content.decode()
    assert search(client, "euphrates", page=4).status_code == 404


# What nobody but moderators finds ---------------------------------------------------------------


@pytest.fixture
def hidden(article, make_user, make_reply, moderator):
    """A held reply and a removed one, each with a word no published reply has."""
    author = make_user("hider")
    held = posting.reply_create(article=article, author=author, body="The zeppelin is secret.")
    actions.reply_hold(reply=held, moderator=moderator, reason="check")
    removed = posting.reply_create(article=article, author=author, body="The gondola is gone.")
    actions.reply_remove_by_moderator(reply=removed, moderator=moderator, reason="spam")
    own = posting.reply_create(article=article, author=author, body="My dirigible, removed by me.")
    posting.reply_remove_own(reply=own, user=author)
    return {"held": held, "removed": removed, "own": own, "author": author}


@pytest.mark.parametrize("who", ["anonymous", "member", "author"])
def test_held_and_removed_replies_never_appear_in_results_or_snippets(client, hidden, make_user, who):
    if who == "member":
        client.force_login(make_user())
    elif who == "author":
        client.force_login(hidden["author"])
    for word in ("zeppelin", "gondola", "dirigible", "secret"):
        response = search(client, word)
        assert response.status_code == 200 and found(response) == []
        assert word not in response.content.decode().split("<h2>Replies", 1)[1]


def test_a_reply_leaves_the_results_when_it_is_removed_and_returns_when_restored(client, article, make_reply, moderator):
    reply = make_reply(article=article, body="A bridge over the Orontes.")
    assert found(search(client, "orontes")) == [reply.pk]
    actions.reply_remove_by_moderator(reply=reply, moderator=moderator, reason="off-topic")
    assert found(search(client, "orontes")) == []
    actions.reply_restore(reply=Reply.objects.get(pk=reply.pk), moderator=moderator)
    assert found(search(client, "orontes")) == [reply.pk]


def test_an_edit_is_searchable_at_once_and_the_old_words_are_not(client, article, make_user):
    author = make_user()
    reply = posting.reply_create(article=article, author=author, body="First draft about Aleppo.")
    posting.reply_edit(reply=reply, editor=author, body="Second thoughts about Idlib.")

    assert found(search(client, "idlib")) == [reply.pk]
    assert found(search(client, "aleppo")) == []


def test_moderators_search_held_and_removed_replies_by_status_and_author(client, hidden, moderator):
    client.force_login(moderator)
    url = reverse("forum:moderation_search")

    held = client.get(url, {"q": "zeppelin", "status": "held"})
    assert found(held) == [hidden["held"].pk]
    assert "<mark>zeppelin</mark>" in held.content.decode() and "Held for review" in held.content.decode()
    assert found(client.get(url, {"q": "zeppelin", "status": "published"})) == []
    assert found(client.get(url, {"q": "gondola", "author": "hider"})) == [hidden["removed"].pk]
    assert found(client.get(url, {"q": "gondola", "author": "someone"})) == []
    bad = client.get(url, {"q": "gondola", "status": "lost"})
    assert bad.status_code == 400 and "There is no status “lost”" in bad.content.decode()
    assert 'action="/moderation/search/"' in client.get(reverse("forum:moderation_queue")).content.decode()


def test_the_moderator_search_is_for_moderators_only(client, hidden, make_user):
    url = reverse("forum:moderation_search")
    assert client.get(url, {"q": "zeppelin"}).status_code == 403
    client.force_login(make_user())
    response = client.get(url, {"q": "zeppelin"})
    assert response.status_code == 403 and "zeppelin" not in response.content.decode()


# Snippets are safe ------------------------------------------------------------------------------


def test_snippets_escape_the_text_and_mark_only_the_matches(client, article, make_reply):
    make_reply(article=article, body='Look: <script>alert("x")</script> and <b>Raqqa</b> & more.')

    page = search(client, "raqqa").content.decode()

    snippet = re.search(r'<p class="snippet">(.*?)</p>', page, re.DOTALL).group(1)
    assert "<script>" not in page.split("<main", 1)[1]
    # SQLite shows the tags as text; PostgreSQL's ts_headline leaves tags out. Neither runs them.
    assert "<script" not in snippet and "<b>" not in snippet and "<mark>Raqqa</mark>" in snippet
    if connection.vendor == "sqlite":
        assert "&lt;script&gt;" in snippet and "&lt;b&gt;<mark>Raqqa</mark>&lt;/b&gt;" in snippet


def test_a_stray_match_mark_cannot_open_an_element():
    text = f"a {MATCH_START}b{MATCH_STOP} {MATCH_START}<i>c {MATCH_STOP}{MATCH_STOP} d{MATCH_START}"
    assert snippet_html(text) == "a <mark>b</mark> <mark>&lt;i&gt;c </mark> d"


def test_markdown_escapes_are_dropped_from_snippets_as_the_page_drops_them():
    assert snippet_html(r"Partners\*\* in \_Syria\_") == "Partners** in _Syria_"


# Bad searches ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, message",
    [
        ("", "Type a word or two to search for."),
        ("   ", "Type a word or two to search for."),
        ("tank " * 200, "Your search is 999 characters long; the limit is 200."),
        ("x" * 1000, "Your search is 1,000 characters long; the limit is 200."),
        ("- or - ! ()", "no words to look for, only operators or punctuation"),
        ('"', "A quotation mark is not closed"),
        ('"half victory', "A quotation mark is not closed"),
        ("tank\x00", "control character (such as a NUL byte)"),
        ("-tank -armata", "not only what to leave out"),
        ("author:alice", "Add a word to look for in the replies of alice."),
        ("author: tank", "Put a name after author:"),
        ("tank author:a author:b", "Search one author at a time"),
        (" ".join(f"w{n}" for n in range(17)), "too many terms; use at most 16"),
    ],
)
def test_a_bad_search_is_a_400_with_a_clear_message_and_writes_nothing(client, article, make_reply, q, message):
    make_reply(article=article, body="A tank.")
    rows = Reply.objects.count()

    response = search(client, q)

    assert response.status_code == 400
    assert message in response.content.decode().replace("&quot;", '"')
    assert Reply.objects.count() == rows


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "9" * 30])
def test_a_page_that_is_not_a_number_is_a_400(client, article, make_reply, page):
    make_reply(article=article, body="A tank.")
    response = search(client, "tank", page=page)
    assert response.status_code == 400 and "is not a page number" in response.content.decode()


def test_the_search_form_alone_is_not_an_error(client):
    response = client.get(reverse("forum:search"))
    assert response.status_code == 200 and 'name="q"' in response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        'tank" OR body:*',  # FTS5 column filter and prefix, PostgreSQL operators
        "NEAR(tank armata) ^tank tank* body:tank",
        "tank & !armata | (x <-> y) :* 'quoted'",
        'a"b"c',
        "\u200b tank \ufeff",
        "ÆØÅ über café",
        "the and of",  # only stop words to PostgreSQL: an empty query there, no error
    ],
)
def test_operators_of_either_database_are_words_or_nothing_never_syntax(client, article, make_reply, q):
    make_reply(article=article, body="A tank and an Armata on the road to a café.")
    response = search(client, q)
    assert response.status_code in (200, 400)  # never a 500
    if response.status_code == 400:
        assert "error-message" in response.content.decode()


def test_the_query_is_written_for_each_database_with_every_term_quoted():
    query = parsing.parse('russia "half victory" -armata tank or plane author:bob')
    assert query.author == "bob"
    assert parsing.websearch(query) == '"russia" "half victory" "tank" or "plane" -"armata"'
    assert parsing.websearch(parsing.parse('"T-14 Armata" -e-mail')) == '"T-14 Armata" -"e-mail"'
    assert parsing.fts5(query) == '("russia" AND "half victory" AND ("tank" OR "plane")) NOT ("armata")'
    sneaky = parsing.parse('x" OR "y')
    assert parsing.fts5(sneaky) == '"x" AND "OR" AND "y"'


# What it costs --------------------------------------------------------------------------------


# Signed out, two: the article of article= (or the author of author:) and the replies; a site-wide
# first page without author: reads the articles instead of a filter. Signed in, also the session
# and the user, which brings the header's moderator check and unread count with it
# (accounts.backends).
SIGNED_IN = 2


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_results_page_costs_the_same_queries_for_3_or_20_results(
    client, make_article, make_user, settings, django_assert_num_queries, signed_in
):
    settings.FORUM_SEARCH_PAGE_SIZE = 20
    author = make_user("prolific")
    build_forest(make_article(slug="few"), author, 3)
    build_forest(make_article(slug="many"), author, 60)
    extra = SIGNED_IN if signed_in else 0
    if signed_in:
        client.force_login(make_user())
    shown = {}
    for slug in ("few", "many"):
        with django_assert_num_queries(2 + extra):
            response = search(client, "reply", article=slug)
        shown[slug] = len(found(response))
    assert shown == {"few": 3, "many": 20}
    for q in ("reply", "reply author:prolific"):
        with django_assert_num_queries(2 + extra):
            assert len(found(search(client, q))) == 20


# The index keeps up with every writer -----------------------------------------------------------


def test_the_seed_fixture_is_searchable_as_loaded(client, seeded):
    response = search(client, '"T-14 Armata"')
    assert response.status_code == 200 and len(found(response)) == 1


def test_an_article_edit_is_searchable(client, article):
    article.title = "Putin orders a drawdown"
    articles.article_save(article=article)
    assert "/articles/withdrawal/" in search(client, "drawdown").content.decode()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers only")
def test_triggers_a_table_rebuild_dropped_are_put_back_and_the_index_rebuilt(client, article, make_user):
    author = make_user()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER forum_reply_fts_insert")
    missed = posting.reply_create(article=article, author=author, body="Written while the trigger was gone: Deir.")
    assert found(search(client, "deir")) == []

    assert schema.restore_triggers(connection) == ["forum_reply_fts_insert"]

    assert found(search(client, "deir")) == [missed.pk]
    assert schema.restore_triggers(connection) == []


@pytest.mark.postgres
def test_postgres_keeps_a_generated_vector_with_a_gin_index_that_answers_the_match(client, article, make_user):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'forum_reply'::regclass AND attgenerated = 's'"
        )
        assert cursor.fetchall() == [("search_vector",)]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'reply_search_vector'")
        assert "USING gin (search_vector)" in cursor.fetchone()[0]
        build_forest(article, make_user(), 3000, body=lambda n: f"common words number {n}" + (" rare" if n == 7 else ""))
        # On a test-sized table the planner may rightly prefer a scan; what matters is that the
        # index can answer the query the selectors send, so the scan is ruled out here.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM forum_reply WHERE search_vector @@ websearch_to_tsquery('english', '\"rare\"')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "reply_search_vector" in plan
    assert len(found(search(client, "rare"))) == 1
