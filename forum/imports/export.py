"""Writing the forum out in Disqus's export format, so a site can leave as easily as it came.
A read: it writes nothing to the database.

Every article is a `<thread>` (dsq:id and <id> its slug, its link, title, date, closed when
locked, deleted when a draft); every reply a `<post>` whose message is its sanitised HTML.
A reply imported from Disqus keeps its Disqus id; any other is "forum-<id>". Held replies are
written `isApproved=false`, removed ones `isDeleted` (or `isSpam`, for spam removed on import),
so forum.imports reads the file back to the same discussion. Streams: the replies are read in
chunks, never all at once.
"""

from __future__ import annotations

from xml.sax.saxutils import XMLGenerator

from forum.threads.models import Article, Reply

from .disqus import DSQ, NS
from .services import SPAM_REASON

_ATTRS_NS = {(DSQ, "id")}


def export_disqus(out) -> int:
    """Write the export to the binary stream `out`; return the number of posts written."""
    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    xml.startPrefixMapping(None, NS)
    xml.startPrefixMapping("dsq", DSQ)
    xml.startElementNS((NS, "disqus"), "disqus", {})
    xml.ignorableWhitespace("\n")
    articles = list(Article.objects.order_by("id"))
    for article in articles:
        _thread(xml, article)
    written = 0
    replies = (
        Reply.objects.select_related("author", "parent")
        .order_by("article_id", "tree_id", "lft")
        .only(
            "id", "article_id", "body_html", "created", "status", "removed_by", "hold_reason", "disqus_id",
            "parent__disqus_id", "author__username", "author__display_name", "author__email",
            "author__import_key", "author__claim_email",
        )
    )
    slugs = {article.pk: article.slug for article in articles}
    for reply in replies.iterator(chunk_size=2000):
        _post(xml, reply, slugs[reply.article_id])
        written += 1
    xml.endElementNS((NS, "disqus"), "disqus")
    xml.ignorableWhitespace("\n")
    xml.endDocument()
    return written


def _leaf(xml, name: str, text: str = "") -> None:
    xml.ignorableWhitespace("    ")
    xml.startElementNS((NS, name), name, {})
    if text:
        xml.characters(text)
    xml.endElementNS((NS, name), name)
    xml.ignorableWhitespace("\n")


def _ref(xml, name: str, dsq_id: str) -> None:
    xml.ignorableWhitespace("    ")
    xml.startElementNS((NS, name), name, _attrs(dsq_id))
    xml.endElementNS((NS, name), name)
    xml.ignorableWhitespace("\n")


def _attrs(dsq_id: str):
    from xml.sax.xmlreader import AttributesNSImpl

    return AttributesNSImpl({(DSQ, "id"): dsq_id}, {(DSQ, "id"): "dsq:id"})


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _thread(xml, article: Article) -> None:
    xml.ignorableWhitespace("  ")
    xml.startElementNS((NS, "thread"), "thread", _attrs(article.slug))
    xml.ignorableWhitespace("\n")
    _leaf(xml, "id", article.slug)
    _leaf(xml, "link", article.link)
    _leaf(xml, "title", article.title)
    _leaf(xml, "createdAt", f"{article.published_on.isoformat()}T00:00:00Z" if article.published_on else "")
    _leaf(xml, "isClosed", _flag(article.locked))
    _leaf(xml, "isDeleted", _flag(article.draft))
    xml.ignorableWhitespace("  ")
    xml.endElementNS((NS, "thread"), "thread")
    xml.ignorableWhitespace("\n")


def post_id(pk: int, disqus_id: str | None) -> str:
    return disqus_id or f"forum-{pk}"


def _post(xml, reply: Reply, slug: str) -> None:
    author = reply.author
    key = author.import_key or ""
    anonymous = key.startswith("disqus-anonymous:")
    username = key.removeprefix("disqus:") if key.startswith("disqus:") else author.username
    spam = reply.status == Reply.Status.REMOVED and reply.hold_reason == SPAM_REASON
    xml.ignorableWhitespace("  ")
    xml.startElementNS((NS, "post"), "post", _attrs(post_id(reply.pk, reply.disqus_id)))
    xml.ignorableWhitespace("\n")
    _leaf(xml, "message", reply.body_html)
    _leaf(xml, "createdAt", reply.created.strftime("%Y-%m-%dT%H:%M:%SZ") if reply.created else "")
    _leaf(xml, "isDeleted", _flag(reply.status == Reply.Status.REMOVED and not spam))
    _leaf(xml, "isSpam", _flag(spam))
    _leaf(xml, "isApproved", _flag(reply.status != Reply.Status.HELD))
    xml.ignorableWhitespace("    ")
    xml.startElementNS((NS, "author"), "author", {})
    xml.ignorableWhitespace("\n  ")
    _leaf(xml, "name", author.public_name)
    if not anonymous:
        xml.ignorableWhitespace("  ")
        _leaf(xml, "username", username)
        xml.ignorableWhitespace("  ")
        _leaf(xml, "email", author.claim_email if key else author.email)
    xml.ignorableWhitespace("  ")
    _leaf(xml, "isAnonymous", _flag(anonymous))
    xml.ignorableWhitespace("    ")
    xml.endElementNS((NS, "author"), "author")
    xml.ignorableWhitespace("\n")
    _ref(xml, "thread", slug)
    if reply.parent_id:
        _ref(xml, "parent", post_id(reply.parent_id, reply.parent.disqus_id))
    xml.ignorableWhitespace("  ")
    xml.endElementNS((NS, "post"), "post")
    xml.ignorableWhitespace("\n")
