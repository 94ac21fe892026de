"""The seed documents: parsing, the import command, and the committed fixture."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from forum.models import Article, Reply
from forum.seeds import SeedError, read_seed
from forum.threads.tree import tree_violations

SEEDS = settings.BASE_DIR / "seeds"
OPED = SEEDS / "000_4a1a676297586a4c.txt"
FRANCE24 = SEEDS / "004_ca5eaac15393f73a.txt"
FIXTURE = settings.BASE_DIR / "fixtures" / "seed.json"


def flatten(comments, depth=0, parent=None):
    for comment in comments:
        yield depth, parent, comment
        yield from flatten(comment.children, depth + 1, comment)


def test_seeds_are_the_shared_documents_as_given():
    shared = settings.BASE_DIR.parent / "shared" / "seeds"
    if not shared.exists():
        pytest.skip("no ../shared/seeds beside this checkout")
    for path in shared.glob("*.txt"):
        assert (SEEDS / path.name).read_bytes() == path.read_bytes()


def test_oped_metadata_comes_from_its_byline():
    article = read_seed(OPED)
    assert article.title.startswith("Putin’s Syrian Withdrawal Announcement")
    assert article.byline == "Alexander Mercouris"
    assert article.source == "The Duran"
    assert article.standfirst.startswith("Putin’s withdrawal announcement does not spell the end")
    assert article.published_on is None  # the op-ed carries no date; none is made up
    assert article.body.startswith("President Putin’s brief stop-over visit")
    assert article.body.endswith("Only then will it be possible to declare victory in Syria.")
    assert "•" not in article.body and "Great analysis" not in article.body


def test_oped_thread_has_all_54_comments_under_the_right_parents():
    comments = list(flatten(read_seed(OPED).comments))
    assert len(comments) == 54
    shape = [(depth, parent.author if parent else None, comment.author) for depth, parent, comment in comments]
    assert shape[:5] == [
        (0, None, "Atle Rørdam"),
        (0, None, "Brad Isherwood"),
        (1, "Brad Isherwood", "RichardD"),
        (2, "RichardD", "Brad Isherwood"),
        (3, "Brad Isherwood", "RichardD"),
    ]
    assert max(depth for depth, _, _ in comments) == 4  # "•" at 10 spaces
    assert [c.author for d, _, c in comments if d == 0] == [
        "Atle Rørdam", "Brad Isherwood", "Solomon Krupacek", "palebluedot", "Neil",
        "FlorianGeyer", "RamboDave", "John Whitehot", "christianblood",
    ]
    assert comments[-1][2].body == "Great analysis! Thanks to Alex!"


def test_oped_comment_bodies_keep_paragraphs_and_lines():
    comments = [c for _, _, c in flatten(read_seed(OPED).comments)]
    palebluedot = next(c for c in comments if c.author == "palebluedot")
    assert palebluedot.body.split("\n\n") == [
        "Great article. Thank you.",
        "Would just add that the more jihadi-on-jihadi attacks in Idlib, the better. The jihadis "
        "directly backed by the West, Turkey, and Gulf states are no better than ISIS, in the long run.",
    ]
    standing = next(c for c in comments if c.body.startswith("first, i am standing."))
    assert standing.body.split("\n\n")[0] == "first, i am standing.\nsecond, russia is on knee\nthord, i would be glad, if russia were not on knee"


def test_the_two_empty_comments_are_kept_empty():
    empty = [(c.author, c.line) for _, _, c in flatten(read_seed(OPED).comments) if c.body == ""]
    assert [author for author, _ in empty] == ["Solomon Krupacek", "goingbrokes"]


def test_france24_page_chrome_is_not_article_text():
    article = read_seed(FRANCE24)
    assert article.title == "Putin orders partial withdrawal of Russian troops in Syria"
    assert article.source == "FRANCE 24"
    assert article.section == "Middle East"
    assert article.photo_caption.startswith("© Khaled Desouki , AFP | Russian President Vladimir Putin")
    assert str(article.published_on) == "2017-12-11" and str(article.updated_on) == "2017-12-11"
    for chrome in ["Read more", "Don't miss", "#THE 51%", "Latest update", "Date created",
                   "OAS chief urges ICC", "Putin hosts Assad in Sochi", "The Gender Divide"]:
        assert chrome not in article.body
    assert article.body.startswith("President Vladimir Putin flew into Syria")
    assert article.body.rstrip().endswith("than the Syrian situation.\"")
    assert "## Homeward bound" in article.body and "## Electoral Boost?" in article.body
    assert article.comments == []


@pytest.mark.parametrize(
    "content, line, message",
    [
        (b"Just some text\n\nwith nothing we know.\n", 1, "unrecognised document"),
        (b"Title\n\nWritten by A; Originally appeared at B\n\nStand\n\n  \xe2\x80\xa2 Ann\n\n    hi\n\n\xff\xfe\n", 11, "not valid UTF-8"),
        ("Title\n\nWritten by A; Originally appeared at B\n\nStand\n\n   • Ann\n".encode(), 7, "indented by 3 spaces"),
        ("Title\n\nWritten by A; Originally appeared at B\n\nStand\n\n  • Ann\n\n      • Bob\n".encode(), 9, "depth 2 with no comment at depth 1"),
        ("Title\n\nWritten by A; Originally appeared at B\n\nStand\n\n  • Ann\n\n  text not under anyone\n".encode(), 9, "where a comment body needs 4"),
        (b"Title\n\nWritten by A; Originally appeared at B\n\nStand\x00\n", 5, "NUL byte"),
        (b"Title\n\nLatest update : 2017-12-11\n\nBody.\n", 3, "Date created"),
        (b"Section\nTitle\n\nLatest update : 2017-13-45\n\nBody.\n\nDate created : 2017-12-11\n", 4, "not a date"),
    ],
)
def test_bad_seed_documents_are_refused_with_file_and_line(tmp_path, content, line, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(SeedError) as error:
        read_seed(path)
    assert error.value.line == line
    assert message in error.value.message
    assert str(error.value).startswith(f"{path}:{line}:")


def test_a_missing_seed_file_is_a_clear_error(tmp_path):
    with pytest.raises(SeedError, match="cannot read the file"):
        read_seed(tmp_path / "nope.txt")


@pytest.mark.django_db
def test_import_of_a_bad_document_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("Title\n\nWritten by A; Originally appeared at B\n\nStand\n\n   • Ann\n", encoding="utf-8")
    output = tmp_path / "seed.json"
    with pytest.raises(CommandError, match=r"bad.txt:7: a comment indented by 3 spaces"):
        call_command("import_seeds", str(OPED), str(bad), output=output, stdout=io.StringIO())
    assert not output.exists()
    assert Article.objects.count() == 0 and Reply.objects.count() == 0 and User.objects.count() == 0


@pytest.mark.django_db
def test_import_creates_the_thread_and_reports_counts(tmp_path):
    out = io.StringIO()
    call_command("import_seeds", output=tmp_path / "seed.json", stdout=out)
    report = out.getvalue()
    assert "54 replies by 16 commenters (16 new accounts); 2 held by the moderation hooks" in report
    assert "no comment thread" in report
    oped = Article.objects.get(source="The Duran")
    assert oped.replies.count() == 54
    assert tree_violations() == []
    # Reading order is the seed's order.
    first = Reply.objects.filter(article=oped).in_thread_order().select_related("author")[:3]
    assert [r.author.public_name for r in first] == ["Atle Rørdam", "Brad Isherwood", "RichardD"]
    assert all(r.created is None for r in Reply.objects.all())


@pytest.mark.django_db
def test_running_the_import_twice_changes_nothing(tmp_path):
    call_command("import_seeds", output=tmp_path / "one.json", stdout=io.StringIO())
    counts = (Article.objects.count(), Reply.objects.count(), User.objects.count())
    out = io.StringIO()
    call_command("import_seeds", output=tmp_path / "two.json", stdout=out)
    assert (Article.objects.count(), Reply.objects.count(), User.objects.count()) == counts
    assert "kept its 54 replies" in out.getvalue()
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


@pytest.mark.django_db
def test_regenerated_fixture_equals_the_committed_one(tmp_path):
    call_command("import_seeds", output=tmp_path / "seed.json", stdout=io.StringIO())
    assert (tmp_path / "seed.json").read_text(encoding="utf-8") == FIXTURE.read_text(encoding="utf-8"), (
        "fixtures/seed.json is stale: run `manage.py import_seeds` and commit the result"
    )


@pytest.mark.django_db
def test_fixture_is_the_same_whatever_else_the_database_holds(tmp_path, make_article, make_reply, make_user):
    other = make_article()
    for _ in range(3):
        make_reply(article=other)
    call_command("import_seeds", output=tmp_path / "first.json", stdout=io.StringIO())
    # Replies posted since, under seed replies, move the seed replies' lft/rght in the database.
    oped = Article.objects.get(source="The Duran")
    for seed_reply in Reply.objects.filter(article=oped).published().order_by("tree_id", "lft")[:5]:
        make_reply(article=oped, parent=seed_reply, author=make_user())
    call_command("import_seeds", output=tmp_path / "second.json", stdout=io.StringIO())
    assert (tmp_path / "first.json").read_bytes() == FIXTURE.read_bytes()
    assert (tmp_path / "second.json").read_bytes() == FIXTURE.read_bytes()


@pytest.mark.django_db
def test_loading_the_fixture_leaves_a_valid_tree(seeded):
    assert Reply.objects.count() == 54
    assert tree_violations() == []
    out = io.StringIO()
    call_command("check_tree", stdout=out)
    assert "0 violations in 54 replies" in out.getvalue()


@pytest.mark.django_db
def test_load_seeds_twice_does_not_reset_replies_posted_since(seeded, make_user):
    from forum.posting import services as posting

    parent = Reply.objects.order_by("tree_id", "lft").first()
    posting.reply_create(article=parent.article, parent=parent, author=make_user(), body="New.")
    call_command("load_seeds", stdout=io.StringIO())
    assert Reply.objects.count() == 55
    assert tree_violations() == []


@pytest.mark.django_db
def test_load_seeds_refuses_a_forum_with_other_replies(make_article, make_reply):
    make_reply(article=make_article())
    with pytest.raises(CommandError, match="not loading seeds"):
        call_command("load_seeds", stdout=io.StringIO())
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_seed_commenters_cannot_sign_in(seeded, client):
    user = User.objects.get(username="Atle_Rørdam")
    assert user.display_name == "Atle Rørdam"
    assert not user.has_usable_password() and user.email == ""
    assert user.date_joined is None
    assert not client.login(username="Atle_Rørdam", password="!")
    assert not client.login(username="Atle_Rørdam", password="")
