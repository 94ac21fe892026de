"""Importing a Disqus export (manage.py import_disqus, the admin's upload) and writing one back
(manage.py export_disqus): the tree kept whole, every edge case of a real export, idempotence,
round trips, and files that are refused whole."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import User
from forum.imports.disqus import read_records
from forum.models import Article, Reply
from forum.threads.presenters import placeholder_for
from forum.threads.tree import tree_violations

pytestmark = pytest.mark.django_db

EXPORT = settings.BASE_DIR / "forum" / "tests" / "data" / "disqus-edge-cases.xml"
EXISTING_LINK = "https://example.com/an-existing-article"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def by_id(dsq_id):
    return Reply.objects.select_related("parent", "author", "article").get(disqus_id=dsq_id)


def snapshot():
    """Everything an import could change, to compare before and after."""
    return (
        sorted(Article.objects.values_list("slug", "title", "link", "draft", "locked", "body")),
        sorted(Reply.objects.values_list("disqus_id", "parent_id", "tree_id", "lft", "rght", "status", "body", "created")),
        sorted(User.objects.values_list("username", "display_name", "import_key", "claim_email")),
    )


@pytest.fixture
def imported(make_article):
    existing = make_article("An existing article", link=EXISTING_LINK)
    out, err = run("import_disqus", str(EXPORT))
    return existing, out, err


def test_the_tree_is_whole_and_sound(imported):
    assert tree_violations() == []
    assert Reply.objects.count() == 10
    # The reply that came before its parent in the file sits under it.
    assert by_id("1002").parent.disqus_id == "1001"
    # A deleted post is a placeholder, and the reply to it stays under it.
    deleted = by_id("1003")
    assert deleted.status == Reply.Status.REMOVED and placeholder_for(deleted) == "[deleted]"
    assert by_id("1004").parent == deleted
    assert deleted.parent.disqus_id == "1001"


def test_posts_go_to_the_article_with_their_link_or_a_new_one(imported):
    existing, out, _ = imported
    assert by_id("1001").article == existing
    assert existing.body == "Some text."  # a matched article is left as it was
    # Two Disqus threads with one link (their <id> empty) are one article.
    new = Article.objects.get(link="https://example.com/2017/12/a-new-discussion")
    assert {r.disqus_id for r in new.replies.all()} == {"2001", "2002", "2003"}
    assert by_id("2003").parent.disqus_id == "2002"  # a reply across the two threads' halves
    assert new.locked and not new.draft and new.title == "A new discussion"
    assert str(new.published_on) == "2017-12-13"
    # A thread deleted on Disqus: its article is kept, as a draft nobody but staff sees.
    assert Article.objects.get(link="https://example.com/a-deleted-page").draft
    assert "existing articles matched: An existing article" in out


def test_spam_is_removed_by_a_moderator_and_moderators_can_read_it(imported):
    spam = by_id("1005")
    assert (spam.status, spam.removed_by) == (Reply.Status.REMOVED, Reply.RemovedBy.MODERATOR)
    assert "Cheap watches" in spam.body
    assert placeholder_for(spam) == "[removed by moderator]"


def test_a_missing_parent_is_reported_and_the_post_placed_at_the_top_with_a_note(imported):
    _, out, _ = imported
    orphan = by_id("1006")
    assert orphan.parent is None
    assert "not in the Disqus export (id 999999)" in orphan.body_html
    assert "post 1006: its parent 999999 is not in the export; placed at the top level with a note" in out


def test_messages_are_sanitised_keeping_links_emphasis_quotes_and_paragraphs(imported):
    html = by_id("1001").body_html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/source" rel="nofollow ugc noopener noreferrer">source</a>' in html
    assert "<blockquote>\n<p>A quote from the article.</p>\n</blockquote>" in html
    assert "<p>Second paragraph<br>\non two lines.</p>" in html
    for gone in ("script", "alert", "img", "tracker", "onerror", "target"):
        assert gone not in html
    assert "<em>agree</em>" in by_id("1002").body_html


def test_times_are_kept(imported):
    assert by_id("1001").created.isoformat() == "2017-12-12T10:00:00+00:00"
    assert by_id("2003").created.isoformat() == "2017-12-14T11:00:00+00:00"
    # Top-level replies are in time order, so "oldest first" reads as Disqus did.
    roots = Reply.objects.filter(article=by_id("2001").article, parent=None).order_by("tree_id")
    assert [r.disqus_id for r in roots] == ["2002", "2001"]


def test_authors_become_accounts_that_cannot_sign_in(imported, client):
    alice = by_id("1001").author
    assert alice == by_id("2002").author  # one account per Disqus user, across threads
    assert (alice.username, alice.display_name, alice.import_key) == ("alicesmith", "Alice Smith", "disqus:alicesmith")
    assert alice.claim_email == "alice@example.org" and alice.email == ""
    assert not alice.has_usable_password()
    assert not client.login(username="alicesmith", password="")
    guest = by_id("2001").author
    assert guest == by_id("2003").author
    assert guest.public_name == "Passing Guest" and guest.claim_email == ""


def test_an_imported_name_never_takes_over_or_mimics_an_existing_account(make_user, make_article):
    make_user("alicesmith")
    make_article("An existing article", link=EXISTING_LINK)
    run("import_disqus", str(EXPORT))
    imported = by_id("1001").author
    assert imported.username == "alicesmith_2"
    assert imported.import_key == "disqus:alicesmith"
    assert User.objects.get(username="alicesmith").replies.count() == 0


def test_every_post_passes_the_moderation_hooks(make_article, settings):
    settings.FORUM_WATCHED_WORDS = {"hold": [r"\bagree\b"]}
    run("import_disqus", str(EXPORT))
    held = by_id("1002")
    assert held.status == Reply.Status.HELD and "agree" in held.hold_reason
    assert by_id("1001").status == Reply.Status.PUBLISHED


def test_running_it_twice_changes_nothing(imported):
    before = snapshot()
    out, _ = run("import_disqus", str(EXPORT))
    assert snapshot() == before
    assert "0 replies imported from 10 posts in 4 threads (10 were already imported)" in out


def test_a_later_export_adds_only_its_new_posts_into_the_stored_trees(imported, tmp_path):
    text = EXPORT.read_text()
    extra = """  <post dsq:id="1007">
    <message><![CDATA[<p>A late answer.</p>]]></message>
    <createdAt>2018-01-01T00:00:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Dan</name><isAnonymous>false</isAnonymous><username>dan</username><email>dan@example.org</email></author>
    <thread dsq:id="100"/><parent dsq:id="1004"/>
  </post>
</disqus>"""
    later = tmp_path / "later.xml"
    later.write_text(text.replace("</disqus>", extra))
    out, _ = run("import_disqus", str(later))
    assert "1 replies imported" in out
    assert by_id("1007").parent.disqus_id == "1004"
    assert by_id("1007").level == 3
    assert tree_violations() == []


def test_export_then_import_again_changes_nothing(imported, tmp_path):
    exported = tmp_path / "out.xml"
    run("export_disqus", str(exported))
    before = snapshot()
    out, _ = run("import_disqus", str(exported))
    assert snapshot() == before
    assert "0 replies imported from 10 posts" in out


def test_the_export_keeps_the_threads_posts_tree_and_states(imported, tmp_path, make_reply):
    native = make_reply(article=imported[0], body="Posted **here**, not on Disqus.")
    exported = tmp_path / "out.xml"
    run("export_disqus", str(exported))
    records = list(read_records(exported))
    posts = {r.dsq_id: r for r in records if type(r).__name__ == "DisqusPost"}
    assert set(posts) == {r.disqus_id or f"forum-{r.pk}" for r in Reply.objects.all()}
    assert posts["1002"].parent_id == "1001" and posts["1004"].parent_id == "1003"
    assert posts["1003"].deleted and not posts["1003"].spam
    assert posts["1005"].spam and not posts["1005"].deleted
    assert posts["2001"].author.anonymous and posts["2001"].author.name == "Passing Guest"
    assert posts["1001"].author.email == "alice@example.org"
    assert posts["1001"].created_at.isoformat() == "2017-12-12T10:00:00+00:00"
    assert "<strong>here</strong>" in posts[f"forum-{native.pk}"].message
    threads = {r.link: r for r in records if type(r).__name__ == "DisqusThread"}
    assert threads["https://example.com/a-deleted-page"].deleted
    assert threads["https://example.com/2017/12/a-new-discussion"].closed


@pytest.mark.django_db(transaction=True)
def test_an_export_imported_into_an_empty_forum_exports_the_same(make_article, make_reply, make_user, tmp_path):
    """A site leaving: its export, imported elsewhere, is the same forum (its export the same bytes)."""
    article = make_article("An existing article", link=EXISTING_LINK)
    run("import_disqus", str(EXPORT))
    author = make_user("native")
    top = make_reply(article=article, author=author, body="A reply *written here*, see https://example.org/a_b")
    make_reply(article=article, author=author, parent=top, body="> quoted\n\nand an answer")
    first = tmp_path / "first.xml"
    run("export_disqus", str(first))
    call_command("flush", "--noinput", verbosity=0)
    run("import_disqus", str(first))
    assert tree_violations() == []
    second = tmp_path / "second.xml"
    run("export_disqus", str(second))
    assert second.read_text() == first.read_text()


def test_export_to_stdout(imported, capsysbinary):
    call_command("export_disqus", stderr=io.StringIO())
    written = capsysbinary.readouterr().out.decode()
    assert written.startswith('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com"')
    assert written.count("<post ") == 10


# --- Files that are refused whole ---------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<disqus xmlns="http://disqus.com"><post>&lol3;</post></disqus>
"""


def _with_post_date(date):
    return EXPORT.read_text().replace("<createdAt>2017-12-12T10:20:00Z</createdAt>", f"<createdAt>{date}</createdAt>")


BAD_FILES = {
    "not XML": ("this is not xml at all\n", 1, "not well-formed XML"),
    "empty": ("", 1, "not well-formed XML"),
    "wrong root": ('<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>\n', 2, "the root element is <rss>"),
    "entity expansion": (BILLION_LAUGHS, 3, "declares XML entities"),
    "unreadable date": (_with_post_date("12/12/2017 10:20"), None, "'12/12/2017 10:20' is not a date and time"),
    "truncated": (EXPORT.read_text()[:3000], None, "not well-formed XML"),
    "unknown thread": (EXPORT.read_text().replace('<thread dsq:id="300"/>', '<thread dsq:id="777"/>'), None,
                       "post 3001 names thread 777, which is not in the export"),
    "duplicate post": (EXPORT.read_text().replace('<post dsq:id="1004">', '<post dsq:id="1001">'), None,
                       "post 1001 appears twice"),
    "parent loop": (EXPORT.read_text().replace('<thread dsq:id="100"/>\n  </post>\n  <post dsq:id="1003">',
                                               '<thread dsq:id="100"/>\n    <parent dsq:id="1002"/>\n  </post>\n  <post dsq:id="1003">'),
                    None, "is its own ancestor"),
    "post without id": (EXPORT.read_text().replace('<post dsq:id="1005">', "<post>"), None, "a <post> without a dsq:id"),
    "bad flag": (EXPORT.read_text().replace("<isSpam>true</isSpam>", "<isSpam>maybe</isSpam>"), None,
                 "<isSpam> is 'maybe', not true or false"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_malformed_file_stops_with_file_line_reason_and_writes_nothing(case, tmp_path, make_article):
    text, line, reason = BAD_FILES[case]
    make_article("An existing article", link=EXISTING_LINK)
    path = tmp_path / "export.xml"
    path.write_text(text)
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run("import_disqus", str(path))
    message = str(raised.value)
    match = re.match(rf"{re.escape(str(path))}:(\d+): (.*)", message)
    assert match, message
    assert reason in match.group(2)
    if line is not None:
        assert int(match.group(1)) == line
    assert "Nothing was imported." in message
    assert snapshot() == before


def test_the_line_given_is_the_line_of_the_bad_date(tmp_path):
    path = tmp_path / "export.xml"
    text = _with_post_date("yesterday")
    path.write_text(text)
    with pytest.raises(CommandError) as raised:
        run("import_disqus", str(path))
    expected = text[: text.index("<createdAt>yesterday")].count("\n") + 1
    assert str(raised.value).startswith(f"{path}:{expected}: 'yesterday' is not a date and time")


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file|No such file"):
        run("import_disqus", str(tmp_path / "nope.xml"))


# --- The admin's upload -------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-for-tests-1")
    client.force_login(boss)
    return client


def test_staff_upload_an_export_in_the_admin(staff_client, make_article):
    make_article("An existing article", link=EXISTING_LINK)
    url = reverse("admin:forum_import_disqus")
    assert staff_client.get(url).status_code == 200
    with open(EXPORT, "rb") as export:
        response = staff_client.post(url, {"export": export}, follow=True)
    assert response.status_code == 200
    assert "10 replies imported from 10 posts" in response.content.decode()
    assert Reply.objects.count() == 10 and tree_violations() == []


def test_a_bad_upload_is_a_400_with_the_reason_and_writes_nothing(staff_client, tmp_path):
    path = tmp_path / "lol.xml"
    path.write_text(BILLION_LAUGHS)
    before = snapshot()
    with open(path, "rb") as export:
        response = staff_client.post(reverse("admin:forum_import_disqus"), {"export": export})
    assert response.status_code == 400
    assert "lol.xml:3: refused: the file declares XML entities" in response.content.decode()
    assert snapshot() == before


def test_only_staff_reach_the_upload(client, make_user):
    url = reverse("admin:forum_import_disqus")
    assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(make_user())
    assert client.get(url).status_code == 302
    with open(EXPORT, "rb") as export:
        client.post(url, {"export": export})
    assert Reply.objects.count() == 0


def test_the_replies_of_a_deleted_thread_stay_hidden_with_their_draft_article(imported, client):
    hidden = by_id("3001")
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reverse("forum:home")).content.decode().count("A deleted page") == 0
    profile = client.get(reverse("forum:profile", args=[hidden.author.username])).content.decode()
    assert "On a page that was deleted" not in profile


def test_a_big_upload_reaches_the_import_and_is_answered_by_it(staff_client, tmp_path, settings):
    """An export bigger than Django's in-memory limit (2.5 MB) is streamed to the view, which
    says what is wrong with it: not the UTF-8 guard's bare 400 on a body it should not read."""
    path = tmp_path / "big.xml"
    path.write_bytes(b"<notdisqus>" + b"\xe9" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1000) + b"</notdisqus>")
    with open(path, "rb") as export:
        response = staff_client.post(reverse("admin:forum_import_disqus"), {"export": export})
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    assert Reply.objects.count() == 0


def test_what_the_import_held_or_removed_as_spam_is_in_the_moderation_log_once(imported):
    from forum.moderation.models import ModerationLog

    spam = by_id("1005")
    entry = ModerationLog.objects.get(reply=spam)
    assert (entry.action, entry.actor, entry.detail) == (ModerationLog.Action.REMOVE, None, "on import")
    held = Reply.objects.filter(disqus_id__isnull=False, status=Reply.Status.HELD)
    assert all(ModerationLog.objects.filter(reply=reply, detail="on import").count() == 1 for reply in held)
    before = ModerationLog.objects.count()
    run("import_disqus", str(EXPORT))  # a second run logs nothing again
    assert ModerationLog.objects.count() == before
