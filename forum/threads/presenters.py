"""Rows into what the templates print: the thread's nesting, each reply's card (its parts come
from forum.threads.cards), the page links.

Everything a card shows is worked out once per page: links reversed once (cards.ReplyLinks),
times formatted once (cards.times_of), the placeholder or the text, and the actions
forum.policy allows. The templates only print it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext

from accounts.selectors import ignored_ids
from forum import policy
from forum.conf import forum_settings
from forum.reactions import presenters as weighing
from forum.rendering import jinja_fragment, stored_html

from .cards import ReplyLinks, display, in_reply_to, placeholder_for, sort_query, times_of
from .models import Article, Reply
from .selectors import DEFAULT_SORT, BranchRows, PageRows


@dataclass
class ThreadItem:
    """One reply as the flat thread loop draws it.

    `closes` is how many open branches end just before this reply, so the template can nest
    lists without recursion. `continue_url` is set when the reply has replies below the display
    depth, which are not fetched.
    """

    reply: Reply
    closes: list  # the items whose branches end just before this one, innermost first
    has_children: bool
    descendant_total: int
    body_html: str
    placeholder: str
    note: str = ""  # shown to the author or a moderator beside a reply others see as a placeholder
    links: dict = field(default_factory=dict)  # the action and profile URLs the card shows
    when: dict = field(default_factory=dict)  # iso, relative and exact posting time; empty if unknown
    url: str = ""
    continue_url: str = ""
    is_new: bool = False
    is_focus: bool = False
    # The page's budget (forum.threads.budget) cut this reply's answers: `more_url` when none of
    # them is drawn, `tail_url` (printed where its branch ends) when the first few are.
    more_url: str = ""
    tail_url: str = ""
    cut_label: str = ""
    folded: bool = False  # drawn as its header and a link to its page, to keep the page's size
    locked_above: bool = False  # a moderator locked a reply above it (forum.threads.overlay keeps it)
    marks: dict = field(default_factory=dict)  # Recommend, its count, the staff badge (forum.reactions.presenters)
    # "In reply to <name>" (issue 10): {"name", "url"} of the parent, {} for a top-level reply.
    in_reply_to: dict = field(default_factory=dict)
    ignored: bool = False  # written by someone the reader ignores: drawn folded to a one-line tombstone
    # Where the card is drawn more than once on a page (the queue: an entry, and the parent of
    # another), each drawing names its heading apart; in a thread it is "r<id>-by".
    id_prefix: str = ""
    # The card's heading level when it is drawn on its own (card_html): 3 under a section's h2,
    # 2 on a page whose h1 it follows. The thread's loop draws h3 without reading it.
    heading_level: int = 3
    lang: str = ""  # the language its text is written in: its article's (<div lang>)

    @property
    def heading_id(self) -> str:
        return f"{self.id_prefix}r{self.reply.pk}-by"

    @property
    def more_label(self) -> str:
        return _replies_count(self.descendant_total)

    @property
    def toggle_labels(self) -> tuple[str, str]:
        """The branch's "Hide N replies" and "Show N replies": one sentence each, since a verb
        joined to "N replies" reads wrong where the count's case follows the verb (Arabic)."""
        return _toggle_labels(get_language(), self.descendant_total)


@dataclass
class Thread:
    items: list[ThreadItem]
    trailing_closes: list  # the items whose branches end after the last one
    new_count: int = 0
    first_new: ThreadItem | None = None


@dataclass
class ThreadPage(Thread):
    total: int = 0  # replies in the whole discussion, every page and depth
    number: int = 1
    pages: int = 1
    sort: str = DEFAULT_SORT
    featured: list = field(default_factory=list)  # the strip of editor's picks (forum.reactions.presenters)
    best_note: str = ""


@dataclass
class Branch:
    """A reply's own page: the replies above it, then it and the replies below it."""

    focus: Reply
    ancestors: list[ThreadItem]
    thread: Thread
    thread_page: int
    thread_anchor: int
    gap_url: str = ""  # the replies left out between the first ancestor and the nearest ones
    gap_label: str = ""
    earlier_url: str = ""  # this reply's answers drawn before ?from=
    earlier_label: str = ""


@functools.lru_cache(maxsize=4096)
def _toggle_labels(language: str, count: int) -> tuple[str, str]:
    # Cached per language and count: a gettext call costs ~25 us, and a page has up to 300 branches.
    return (
        ngettext("Hide %(count)s reply", "Hide %(count)s replies", count) % {"count": count},
        ngettext("Show %(count)s reply", "Show %(count)s replies", count) % {"count": count},
    )


@receiver(setting_changed)
def _catalogs_changed(*, setting, **kwargs) -> None:
    # As Django empties its own translation caches when a test changes the catalogs.
    if setting in ("LOCALE_PATHS", "LANGUAGES", "LANGUAGE_CODE"):
        _toggle_labels.cache_clear()


def _replies_count(count: int) -> str:
    return ngettext("%(count)s more reply", "%(count)s more replies", count) % {"count": count}




def _thread(
    replies, *, article, sort, root_level, depth, viewer, new_after, focus_pk=None, locked_above=False,
    cuts=None, folded=frozenset(), now=None, known=None, on_page=None, links=None,
) -> Thread:
    """The items of `replies` (in reading order, from `root_level` down) as `viewer` sees them.

    `viewer` None draws no actions at all (JSON); an anonymous user gets the links that lead to
    sign-in. `locked_above`: a reply above the first one is branch-locked. `known`: rows by id
    that parents' names may come from, `on_page`: the ids drawn on the page (both default to
    `replies`).
    """
    links = links or ReplyLinks(article, sort)
    suffix = sort_query(sort)
    signed_in = viewer is not None and viewer.is_authenticated
    viewer_pk = viewer.pk if signed_in else None
    if known is None:
        replies = list(replies)
        known = {reply.pk: reply for reply in replies}
    on_page = known if on_page is None else on_page
    # Whom the reader ignores: read with the user (accounts.backends), so no query here.
    ignoring = ignored_ids(viewer) if viewer_pk is not None else frozenset()
    moderator = policy.is_moderator(viewer)
    # A suspended or inactive reader is offered neither Reply nor Flag (no query: the user row).
    barred = viewer_pk is not None and policy.account_refusal(viewer) is not None
    now = now or timezone.now()
    lang = article.language
    language = get_language()  # the reader's, read once: it is a context-local, slow to read per reply
    items = []
    first_new = None
    new_count = 0
    cuts = cuts or {}
    open_branches: list[ThreadItem] = []
    locked_levels: list[int] = []  # levels of the branch-locked replies above the current one
    for reply in replies:
        level = reply.level - root_level
        closes = []
        while len(open_branches) > level:
            closes.append(open_branches.pop())
        has_replies = reply.rght - reply.lft > 1
        cut = cuts.get(reply.pk)
        shows_replies = has_replies and (depth is None or level < depth - 1) and not (cut and not cut.shown)
        while locked_levels and locked_levels[-1] >= reply.level:
            locked_levels.pop()
        if reply.branch_locked:
            locked_levels.append(reply.level)
        url = links.permalink.format(reply.pk)
        placeholder, body_html, note = display(reply, viewer=viewer, moderator=moderator)
        # A placeholder has nothing to read, and a reader's own replies are not news to them.
        is_new = (
            new_after is not None
            and reply.status == Reply.Status.PUBLISHED
            and reply.created is not None
            and reply.created > new_after
            and reply.author_id != viewer_pk
        )
        actions = policy.Actions()
        if viewer is not None:
            locked = locked_above or bool(locked_levels)
            actions = policy.reply_actions(
                reply, viewer=viewer, article=article, branch_locked=locked, now=now, moderator=moderator,
                barred=barred,
            )
        item = ThreadItem(
            reply=reply,
            closes=closes,
            has_children=shows_replies,
            descendant_total=reply.descendant_total,
            body_html=body_html,
            placeholder=placeholder,
            note=note,
            links=links.for_reply(reply, actions),
            when=times_of(reply.created, now, language),
            url=url,
            continue_url=f"{url}{suffix}" if has_replies and not shows_replies and not cut else "",
            is_new=is_new,
            is_focus=reply.pk == focus_pk,
            folded=reply.pk in folded,
            locked_above=locked_above or bool(locked_levels),
            marks=weighing.marks_of(reply, viewer_pk=viewer_pk, signed_in=signed_in),
            in_reply_to=in_reply_to(reply, known=known, on_page=on_page, permalink=links.permalink),
            ignored=reply.author_id in ignoring and not placeholder and reply.author_id != viewer_pk,
            lang=lang,
        )
        if cut:
            item.cut_label = gettext("%(replies)s →") % {"replies": _replies_count(cut.hidden)}
            cut_url = url + sort_query(sort, cut.next_from)
            if cut.shown:
                item.tail_url = cut_url
            else:
                item.more_url = cut_url
        if shows_replies:
            open_branches.append(item)
        if is_new:
            new_count += 1
            first_new = first_new or item
        items.append(item)
    return Thread(
        items=items, trailing_closes=open_branches[::-1], new_count=new_count, first_new=first_new
    )


def reader_item(
    reply, *, article, sort, viewer, new_after, now, drawn_at, locked_above, folded, parent=None, parent_on_page=False,
    links=None,
) -> ThreadItem:
    """One reply's item for `viewer` as _thread draws it on a page (forum.threads.overlay): its
    actions judged `now`, its time written as of `drawn_at`, like the rest of the shared page.
    `parent`: its parent's row (for "in reply to"), and whether the page draws it. `links`: the
    page's ReplyLinks, when several replies are drawn again (reversing them is most of the cost)."""
    known = {parent.pk: parent} if parent is not None else {}
    item = _thread(
        [reply], article=article, sort=sort, root_level=reply.level, depth=None, viewer=viewer,
        new_after=new_after, locked_above=locked_above, folded={reply.pk} if folded else frozenset(), now=now,
        known=known, on_page=known if parent_on_page else {}, links=links,
    ).items[0]
    item.when = times_of(reply.created, drawn_at)
    return item


def thread_page(page: PageRows, *, article: Article, viewer=None, new_after=None, now=None) -> ThreadPage:
    thread = _thread(
        page.rows, article=article, sort=page.sort, root_level=0, depth=page.depth, viewer=viewer, new_after=new_after,
        cuts=page.cuts, folded=page.folded, now=now,
    )
    extra = weighing.page_parts(page, article=article, sort_query=sort_query(page.sort))  # the strip, the best note
    return ThreadPage(**vars(thread), **extra, total=page.total, number=page.number, pages=page.pages, sort=page.sort)


def branch(rows: BranchRows, *, article: Article, sort: str, viewer=None, new_after=None) -> Branch:
    focus = rows.below[0]
    links = ReplyLinks(article, sort)  # once for the page's two parts
    on_page = {row.pk: row for row in rows.above + rows.below}
    known = {**on_page, **{row.pk: row for row in rows.gap}}  # a gap's replies are read, not drawn
    thread = _thread(
        rows.below,
        article=article,
        sort=sort,
        root_level=focus.level,
        depth=forum_settings.DISPLAY_DEPTH,
        viewer=viewer,
        new_after=new_after,
        focus_pk=focus.pk,
        locked_above=any(row.branch_locked for row in rows.above + rows.gap),
        cuts=rows.cuts,
        known=known,
        on_page=on_page,
        links=links,
    )
    ancestors = _thread(
        rows.above, article=article, sort=sort, root_level=0, depth=None, viewer=viewer, new_after=new_after,
        known=known, on_page=on_page, links=links,
    )
    # Above, every reply is drawn expanded in full, whatever depth it sits at.
    for item in ancestors.items:
        item.closes, item.has_children, item.continue_url = [], False, ""
    result = Branch(
        focus=focus,
        ancestors=ancestors.items,
        thread=thread,
        thread_page=rows.thread_page,
        thread_anchor=rows.thread_anchor,
    )
    permalink = links.permalink
    if rows.gap:
        count = len(rows.gap)
        result.gap_url = permalink.format(rows.gap[-1].pk) + sort_query(sort)
        result.gap_label = ngettext("↑ %(count)s reply between these", "↑ %(count)s replies between these", count) % {
            "count": count
        }
    if rows.skipped:
        result.earlier_url = permalink.format(focus.pk) + sort_query(sort)
        result.earlier_label = gettext("← The first answers to this reply (%(count)s)") % {"count": rows.skipped}
    return result


def reply_in_context(reply: Reply, viewer=None, *, id_prefix: str = "", heading_level: int = 3) -> ThreadItem:
    """One reply drawn on its own (the reply page, the moderation queue), with no actions.
    `heading_level`: 2 where the card follows the page's h1, 3 under an h2."""
    if viewer is None:
        placeholder = placeholder_for(reply)
        body_html, note = ("" if placeholder else stored_html(reply.body_html)), ""
    else:
        placeholder, body_html, note = display(reply, viewer=viewer, moderator=policy.is_moderator(viewer))
    links = ReplyLinks(reply.article)
    return ThreadItem(
        reply=reply, closes=[], has_children=False, descendant_total=0,
        body_html=body_html, placeholder=placeholder, note=note,
        links=links.for_reply(reply, policy.Actions()), url=links.permalink.format(reply.pk),
        when=times_of(reply.created, timezone.now()), id_prefix=id_prefix, heading_level=heading_level,
        lang=reply.article.language,
    )


def quote_of(reply: Reply) -> str:
    """The reply's text as a Markdown quote, to start an answer with."""
    if reply.status != Reply.Status.PUBLISHED:
        return ""
    quoted = "\n".join(f"> {line}" if line else ">" for line in reply.body.splitlines())
    return gettext("%(name)s wrote:") % {"name": reply.author.public_name} + f"\n{quoted}\n\n"


def article_body(article: Article):
    return stored_html(article.body_html)


def thread_html(thread: Thread):
    """The thread as HTML: the one way a thread is drawn, on every page that shows one."""
    return jinja_fragment("forum/thread.html", {"thread": thread})


def ancestors_html(branch: Branch):
    """The replies above a reply on its own page, with the link over its gap."""
    return jinja_fragment("forum/ancestors.html", {"branch": branch})


def card_html(item: ThreadItem):
    return jinja_fragment("forum/reply_card.html", {"item": item})


def posted_item_html(reply: Reply, *, parent: Reply | None, viewer, sort: str):
    """A reply just posted, as the thread draws it for its author (the reply_item macro), for
    static/js/thread.js to put under its parent without a reload (issue 10)."""
    now = timezone.now()
    item = reader_item(
        reply, article=reply.article, sort=sort, viewer=viewer, new_after=None, now=now, drawn_at=now,
        locked_above=False, folded=False, parent=parent, parent_on_page=True,
    )
    return jinja_fragment("forum/reply_item.html", {"item": item})
