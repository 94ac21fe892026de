"""Reads. Each function returns what one page or command needs, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, IntegerField, Prefetch, Q, Sum, Window
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from .models import Article, ArticleVisit, Flag, ModerationLog, Notification, Reply
from .rendering import stored_html


def article_list():
    return Article.objects.with_reply_counts().newest_first()


def article_get(*, slug: str) -> Article:
    article = get_object_or_404(Article, slug=slug)
    article.safe_body = stored_html(article.body_html)
    return article


def article_find(*, slug: str) -> Article | None:
    return Article.objects.filter(slug=slug).first()


# The orders a reader can choose, as they appear in ?sort=, with their labels.
SORTS = {"oldest": "Oldest", "newest": "Newest", "replies": "Most replies"}
DEFAULT_SORT = "oldest"

# How the top-level replies of a thread are ordered in SQL. tree_id is allocated in posting
# order and is unique per top-level reply, so oldest and newest cannot tie.
_ROOT_ORDER = {
    "oldest": ["tree_id"],
    "newest": ["-tree_id"],
    "replies": [(F("rght") - F("lft")).desc(), "id"],
}

# The same orders for siblings, applied in Python to the rows a page has fetched. lft is posting
# order among siblings; rght - lft is twice the number of replies below.
_SIBLING_KEY = {
    "oldest": lambda reply: reply.lft,
    "newest": lambda reply: -reply.lft,
    "replies": lambda reply: (reply.lft - reply.rght, reply.pk),
}

# No thread has this many top-level replies; a larger ?page= would overflow the SQL OFFSET.
MAX_PAGE = 10**9
# The largest id the database can hold: a URL can ask for any number of digits.
_MAX_ID = 2**63 - 1


class PageOutOfRange(Exception):
    """The thread has no such page: the page number is past the last page."""


def placeholder_for(reply: Reply) -> str:
    """What the public sees instead of a reply's text, or "" when they see the text."""
    if reply.status == Reply.Status.HELD:
        return "[awaiting moderation]"
    if reply.status == Reply.Status.REMOVED:
        return "[removed by author]" if reply.removed_by == Reply.RemovedBy.AUTHOR else "[removed by moderator]"
    return ""


def is_moderator(user) -> bool:
    return user.is_authenticated and user.has_perm("forum.moderate_reply")


def _display(reply: Reply, *, viewer, moderator: bool) -> tuple[str, str, str]:
    """(placeholder, body_html, note) for one reply as this viewer sees it.

    Everyone sees a held or removed reply as a placeholder, except its author (for a held one:
    it is theirs, waiting) and moderators, who see the text with a note saying why others don't.
    """
    placeholder = placeholder_for(reply)
    if not placeholder:
        return "", stored_html(reply.body_html), ""
    own = viewer is not None and viewer.is_authenticated and viewer.pk == reply.author_id
    if moderator or (own and reply.status == Reply.Status.HELD):
        note = f"{placeholder[1:-1].capitalize()}: others see a placeholder."
        if reply.hold_reason and reply.status == Reply.Status.HELD:
            note += f" {reply.hold_reason}"
        return "", stored_html(reply.body_html), note
    return placeholder, "", ""


@dataclass(frozen=True)
class Actions:
    """What the viewer may do to one reply; the template only shows what is set here."""

    reply: bool = False
    edit: bool = False
    remove: bool = False
    flag: bool = False
    moderate: bool = False


def actions_for(reply: Reply, *, viewer, article: Article, now, moderator: bool = False) -> Actions:
    published = reply.status == Reply.Status.PUBLISHED
    own = viewer.is_authenticated and reply.author_id == viewer.pk
    edit_open = reply.created is not None and (now - reply.created).total_seconds() <= settings.FORUM_EDIT_WINDOW_SECONDS
    return Actions(
        # Anonymous readers get the link too: it leads to sign-in and back, keeping their text.
        reply=published and not article.locked and not reply.branch_locked,
        edit=own and reply.status != Reply.Status.REMOVED and edit_open,
        remove=own and reply.status != Reply.Status.REMOVED,
        flag=viewer.is_authenticated and not own and reply.status != Reply.Status.REMOVED,
        moderate=moderator,
    )


def _ago(value, now) -> str:
    """"3 minutes ago": humanize's naturaltime, without its translation lookups per call (at a
    thousand replies those were a third of the page's time)."""
    seconds = int((now - value).total_seconds())
    if seconds < 10:
        return "now"
    for unit_seconds, one, many in (
        (365 * 86400, "a year ago", "{} years ago"),
        (30 * 86400, "a month ago", "{} months ago"),
        (7 * 86400, "a week ago", "{} weeks ago"),
        (86400, "a day ago", "{} days ago"),
        (3600, "an hour ago", "{} hours ago"),
        (60, "a minute ago", "{} minutes ago"),
    ):
        count = seconds // unit_seconds
        if count:
            return one if count == 1 else many.format(count)
    return f"{seconds} seconds ago"


def times_of(value, now) -> dict:
    """What a reply's header shows of a time; the site's times are UTC (settings.TIME_ZONE)."""
    if value is None:
        return {}
    return {"iso": value.isoformat(), "ago": _ago(value, now), "exact": value.strftime("%-d %b %Y, %H:%M UTC")}


def _url_pattern(name: str, **kwargs) -> str:
    """reverse() once with a 0 for the id; the result formats with any reply's id."""
    head, tail = reverse(name, kwargs=kwargs).rsplit("/0/", 1)
    return head + "/{}/" + tail


class ReplyLinks:
    """The URLs around the replies of one article, reversed once per page rather than per reply:
    at a thousand replies, reverse() per link was a good part of the page's time."""

    def __init__(self, article: Article):
        self.permalink = _url_pattern("forum:reply", slug=article.slug, pk=0)
        self._reply = _url_pattern("forum:reply_to", slug=article.slug, parent_pk=0)
        self._edit = _url_pattern("forum:edit", pk=0)
        self._remove = _url_pattern("forum:remove", pk=0)
        self._flag = _url_pattern("forum:flag", pk=0)
        self._moderate = _url_pattern("forum:moderation_reply", pk=0)
        self._profiles: dict[int, str] = {}

    def for_reply(self, reply: Reply, actions: Actions) -> dict:
        links = {"profile": self._profile(reply.author)}
        pk = reply.pk
        if actions.reply:
            links["reply"] = self._reply.format(pk)
            links["quote"] = links["reply"] + "?quote=1"
        if actions.edit:
            links["edit"] = self._edit.format(pk)
        if actions.remove:
            links["remove"] = self._remove.format(pk)
        if actions.flag:
            links["flag"] = self._flag.format(pk)
        if actions.moderate:
            links["moderate"] = self._moderate.format(pk)
        return links

    def _profile(self, author) -> str:
        if author.pk not in self._profiles:
            self._profiles[author.pk] = reverse("accounts:profile", args=[author.username])
        return self._profiles[author.pk]


@dataclass
class ThreadItem:
    """One reply as the flat thread loop draws it.

    `closes` is how many open branches end just before this reply, so the template can nest
    lists without recursion. `continue_url` is set when the reply has replies below the display
    depth, which are not fetched.
    """

    reply: Reply
    closes: range
    has_children: bool
    descendant_total: int
    body_html: str
    placeholder: str
    actions: Actions = Actions()
    note: str = ""  # shown to the author or a moderator beside a reply others see as a placeholder
    links: dict = field(default_factory=dict)  # the action and profile URLs the card shows
    when: dict = field(default_factory=dict)  # iso, relative and exact posting time; empty if unknown

    @property
    def replies_label(self) -> str:
        return "1 reply" if self.descendant_total == 1 else f"{self.descendant_total} replies"

    @property
    def more_label(self) -> str:
        return "1 more reply" if self.descendant_total == 1 else f"{self.descendant_total} more replies"
    url: str = ""
    continue_url: str = ""
    is_new: bool = False
    is_focus: bool = False


@dataclass
class Thread:
    items: list[ThreadItem]
    trailing_closes: range
    new_count: int = 0
    first_new: ThreadItem | None = None


@dataclass
class ThreadPage(Thread):
    total: int = 0  # replies in the whole discussion, every page and depth
    number: int = 1
    pages: int = 1
    sort: str = DEFAULT_SORT


@dataclass
class Branch:
    """A reply's own page: the replies above it, then it and the replies below it."""

    focus: Reply
    ancestors: list[ThreadItem]
    thread: Thread
    thread_page: int  # the page of the full thread that holds this branch, in the same sort
    thread_anchor: int  # the reply to jump to there: this one, or the one that continues to it


def thread_version(article_id: int) -> str:
    """The present version of an article's thread, for cache keys; services.thread_changed renews it.

    A random token rather than a counter: if the cache drops the key, the next one is new, so a
    page cached under an older version can never come back.
    """
    key = f"thread-version:{article_id}"
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return version


def visit_get(*, user, article: Article) -> ArticleVisit | None:
    """The signed-in reader's visit record for `article`; None (and no query) for anyone else."""
    if not user.is_authenticated:
        return None
    return ArticleVisit.objects.filter(user=user, article=article).first()


def new_after(*, visit: ArticleVisit | None, at):
    """Replies created after this are new to the reader viewing a page at `at`; None: nothing is."""
    return visit.new_after_at(at) if visit is not None else None


def thread_page(
    *,
    article: Article,
    page: int = 1,
    sort: str = DEFAULT_SORT,
    viewer=None,
    new_after=None,
    whole_branches: bool = False,
) -> ThreadPage:
    """One page of the discussion: FORUM_PAGE_SIZE top-level replies with their branches.

    Two queries at any size: the page's top-level replies (with the thread's totals, by window
    functions, so no separate count), then every reply of their trees down to the display depth
    (all of it with `whole_branches`). Raises PageOutOfRange for a page past the last.
    """
    size = settings.FORUM_PAGE_SIZE
    if page < 1 or page > MAX_PAGE:
        raise PageOutOfRange(f"no page {page}")
    offset = (page - 1) * size
    roots = list(
        Reply.objects.filter(article=article, parent__isnull=True)
        .annotate(
            root_count=Window(Count("pk")),
            span_total=Window(Sum(F("rght") - F("lft") + 1, output_field=IntegerField())),
        )
        .order_by(*_ROOT_ORDER[sort])
        .values_list("tree_id", "root_count", "span_total")[offset : offset + size]
    )
    if not roots:
        if page == 1:
            return ThreadPage(items=[], trailing_closes=range(0), sort=sort)
        raise PageOutOfRange(f"no page {page}")
    tree_ids = [tree_id for tree_id, _, _ in roots]
    _, root_count, span_total = roots[0]

    replies = Reply.objects.filter(article=article, tree_id__in=tree_ids)
    depth = None if whole_branches else settings.FORUM_DISPLAY_DEPTH
    if depth is not None:
        replies = replies.filter(level__lt=depth)
    rows = list(replies.select_related("author").in_thread_order())
    by_tree = {row.tree_id: row for row in rows if row.parent_id is None}
    ordered = _depth_first([by_tree[tree_id] for tree_id in tree_ids if tree_id in by_tree], rows, sort)
    thread = _thread(
        ordered, article=article, sort=sort, root_level=0, depth=depth, viewer=viewer, new_after=new_after
    )
    return ThreadPage(
        **vars(thread),
        total=span_total // 2,  # each reply spans two numbers of its tree
        number=page,
        pages=-(-root_count // size),
        sort=sort,
    )


def reply_find(*, slug: str, pk: int) -> Reply | None:
    """The reply `pk` with its article and author; None if it is not on the article `slug`."""
    if pk > _MAX_ID:
        return None
    return Reply.objects.select_related("article", "author").filter(pk=pk, article__slug=slug).first()


def reply_branch(*, reply: Reply, sort: str = DEFAULT_SORT, viewer=None, new_after=None) -> Branch:
    """`reply`'s page: its ancestors, then its branch down to the display depth below it.

    Two queries: ancestors and branch together (the nested set gives both as lft ranges of one
    tree), then how many top-level replies sort before this one, for the link back to the thread.
    """
    depth = settings.FORUM_DISPLAY_DEPTH
    rows = list(
        Reply.objects.filter(article_id=reply.article_id, tree_id=reply.tree_id)
        .filter(
            Q(lft__lt=reply.lft, rght__gt=reply.rght)
            | Q(lft__gte=reply.lft, lft__lt=reply.rght, level__lt=reply.level + depth)
        )
        .select_related("author")
        .in_thread_order()
    )
    article = reply.article
    above = [row for row in rows if row.lft < reply.lft]
    below = [row for row in rows if row.lft >= reply.lft]
    focus = below[0]
    ordered = _depth_first([focus], below, sort)
    thread = _thread(
        ordered,
        article=article,
        sort=sort,
        root_level=focus.level,
        depth=depth,
        viewer=viewer,
        new_after=new_after,
        focus_pk=focus.pk,
    )
    ancestors = _thread(above, article=article, sort=sort, root_level=0, depth=None, viewer=viewer, new_after=new_after)
    # Above, every reply is drawn expanded in full, whatever depth it sits at.
    for item in ancestors.items:
        item.closes, item.has_children, item.continue_url = range(0), False, ""

    root = above[0] if above else focus
    if focus.level < depth:
        anchor = focus.pk
    else:
        anchor = above[depth - 1].pk  # the deepest reply the thread page draws, with the link here
    before = Reply.objects.filter(article=article, parent__isnull=True)
    if sort == "oldest":
        before = before.filter(tree_id__lt=root.tree_id)
    elif sort == "newest":
        before = before.filter(tree_id__gt=root.tree_id)
    else:
        span = root.rght - root.lft
        before = before.alias(span=F("rght") - F("lft")).filter(Q(span__gt=span) | Q(span=span, pk__lt=root.pk))
    return Branch(
        focus=focus,
        ancestors=ancestors.items,
        thread=thread,
        thread_page=before.count() // settings.FORUM_PAGE_SIZE + 1,
        thread_anchor=anchor,
    )


def sort_query(sort: str) -> str:
    """The query string that keeps `sort` in a link; the default order needs none."""
    return "" if sort == DEFAULT_SORT else f"?sort={sort}"


def _depth_first(tops: list[Reply], rows: list[Reply], sort: str) -> list[Reply]:
    """`rows` (whole subtrees under `tops`, down to some level) in reading order for `sort`.

    Children are collected by parent_id and sorted among themselves, so a reply always stays
    under its parent whatever the order. One pass and one sort per set of siblings: no query.
    """
    key = _SIBLING_KEY[sort]
    top_pks = {top.pk for top in tops}
    children: dict[int, list[Reply]] = defaultdict(list)
    for row in rows:
        if row.pk not in top_pks:
            children[row.parent_id].append(row)
    ordered = []
    stack = list(reversed(tops))
    while stack:
        reply = stack.pop()
        ordered.append(reply)
        below = children.get(reply.pk)
        if below:
            stack.extend(sorted(below, key=key, reverse=True))
    return ordered


def _thread(replies, *, article, sort, root_level, depth, viewer, new_after, focus_pk=None) -> Thread:
    links = ReplyLinks(article)
    suffix = sort_query(sort)
    viewer_pk = viewer.pk if viewer is not None and viewer.is_authenticated else None
    moderator = viewer is not None and is_moderator(viewer)
    now = timezone.now()
    items = []
    first_new = None
    new_count = 0
    open_branches = 0
    for reply in replies:
        level = reply.level - root_level
        closes = open_branches - level
        open_branches = level
        has_replies = reply.rght - reply.lft > 1
        shows_replies = has_replies and (depth is None or level < depth - 1)
        if shows_replies:
            open_branches += 1
        url = links.permalink.format(reply.pk)
        placeholder, body_html, note = _display(reply, viewer=viewer, moderator=moderator)
        # A placeholder has nothing to read, and a reader's own replies are not news to them.
        is_new = (
            new_after is not None
            and reply.status == Reply.Status.PUBLISHED
            and reply.created is not None
            and reply.created > new_after
            and reply.author_id != viewer_pk
        )
        actions = (
            actions_for(reply, viewer=viewer, article=article, now=now, moderator=moderator)
            if viewer is not None
            else Actions()
        )
        item = ThreadItem(
            reply=reply,
            closes=range(closes),
            has_children=shows_replies,
            descendant_total=reply.descendant_total,
            body_html=body_html,
            placeholder=placeholder,
            actions=actions,
            note=note,
            links=links.for_reply(reply, actions),
            when=times_of(reply.created, now),
            url=url,
            continue_url=f"{url}{suffix}" if has_replies and not shows_replies else "",
            is_new=is_new,
            is_focus=reply.pk == focus_pk,
        )
        if is_new:
            new_count += 1
            first_new = first_new or item
        items.append(item)
    return Thread(items=items, trailing_closes=range(open_branches), new_count=new_count, first_new=first_new)


def reply_get(*, pk: int) -> Reply:
    return get_object_or_404(Reply.objects.select_related("author", "article", "parent__author", "parent__article"), pk=pk)


def reply_in_context(reply: Reply, viewer=None) -> ThreadItem:
    """One reply drawn on its own (the reply page, the moderation queue)."""
    if viewer is None:
        placeholder, body_html, note = placeholder_for(reply), "", ""
        body_html = "" if placeholder else stored_html(reply.body_html)
    else:
        placeholder, body_html, note = _display(reply, viewer=viewer, moderator=is_moderator(viewer))
    links = ReplyLinks(reply.article)
    return ThreadItem(
        reply=reply, closes=range(0), has_children=False, descendant_total=0,
        body_html=body_html, placeholder=placeholder, actions=Actions(), note=note,
        links=links.for_reply(reply, Actions()), url=links.permalink.format(reply.pk),
        when=times_of(reply.created, timezone.now()),
    )


def quote_of(reply: Reply) -> str:
    """The reply's text as a Markdown quote, to start an answer with."""
    if reply.status != Reply.Status.PUBLISHED:
        return ""
    quoted = "\n".join(f"> {line}" if line else ">" for line in reply.body.splitlines())
    return f"{reply.author.public_name} wrote:\n{quoted}\n\n"


def revisions_of(reply: Reply):
    return reply.revisions.all()


def unread_notification_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user) -> list[Notification]:
    """The user's notifications, newest first, each with the excerpt the list may show."""
    notifications = list(
        Notification.objects.filter(recipient=user).select_related("reply__author", "reply__article")[:200]
    )
    for note in notifications:
        note.excerpt = placeholder_for(note.reply) or note.reply.body
    return notifications


def replies_by(user, *, viewer):
    """A profile's replies, newest first. Others see the published ones; the author sees all of theirs."""
    replies = Reply.objects.filter(author=user).select_related("article")
    if not (viewer.is_authenticated and viewer.pk == user.pk):
        replies = replies.published()
    return replies.order_by(F("created").desc(nulls_last=True), "-id")


@dataclass(frozen=True)
class ModerationAction:
    name: str  # the URL part, as in moderation_views.REPLY_ACTIONS
    label: str
    reason_required: bool


def moderation_actions_for(reply: Reply, open_flags: int) -> list[ModerationAction]:
    """The actions that make sense for a reply in its present state."""
    actions = []
    if reply.status == Reply.Status.HELD:
        actions.append(ModerationAction("approve", "Approve", False))
    if reply.status != Reply.Status.REMOVED:
        actions.append(ModerationAction("remove", "Remove", True))
    if reply.status == Reply.Status.REMOVED and reply.removed_by == Reply.RemovedBy.MODERATOR:
        actions.append(ModerationAction("restore", "Restore", False))
    if open_flags:
        actions.append(ModerationAction("dismiss", "Dismiss flags", False))
    if reply.branch_locked:
        actions.append(ModerationAction("unlock-branch", "Unlock branch", False))
    else:
        actions.append(ModerationAction("lock-branch", "Lock branch", True))
    if reply.rght - reply.lft > 1:
        actions.append(ModerationAction("hold-branch", "Hold whole branch", True))
        actions.append(ModerationAction("remove-branch", "Remove whole branch", True))
    return actions


@dataclass
class QueueEntry:
    item: ThreadItem
    parent: ThreadItem | None
    flags: list
    author_history: dict
    branch_size: int
    actions: list[ModerationAction]


def moderation_entry(*, reply: Reply, viewer) -> QueueEntry:
    """One reply as the queue shows it, for the reply's own moderation page."""
    entries = _queue_entries([reply], viewer)
    return entries[0]


def moderation_queue(*, viewer) -> list[QueueEntry]:
    """Held replies and replies with open flags, oldest first, each with what a moderator needs
    to decide: the reply, its parent, its article, its flags, and its author's record.

    A fixed number of queries, whatever the queue's length.
    """
    replies = list(
        Reply.objects.filter(Q(status=Reply.Status.HELD) | Q(flags__resolved__isnull=True, flags__isnull=False))
        .distinct()
        .select_related("author", "article", "parent__author", "parent__article")
        .prefetch_related(Prefetch("flags", queryset=Flag.objects.filter(resolved__isnull=True).select_related("flagger")))
        .order_by(F("created").asc(nulls_first=True), "id")[:200]
    )
    return _queue_entries(replies, viewer)


def _queue_entries(replies: list[Reply], viewer) -> list[QueueEntry]:
    author_ids = {reply.author_id for reply in replies}
    counts = defaultdict(dict)
    for author_id, status, total in (
        Reply.objects.filter(author_id__in=author_ids).values_list("author_id", "status").annotate(total=Count("id"))
    ):
        counts[author_id][status] = total
    flagged = dict(
        Flag.objects.filter(reply__author_id__in=author_ids).values_list("reply__author_id").annotate(total=Count("id"))
    )
    entries = []
    for reply in replies:
        open_flags = [flag for flag in reply.flags.all() if flag.resolved is None]
        history = {
            "published": counts[reply.author_id].get(Reply.Status.PUBLISHED, 0),
            "held": counts[reply.author_id].get(Reply.Status.HELD, 0),
            "removed": counts[reply.author_id].get(Reply.Status.REMOVED, 0),
            "flags": flagged.get(reply.author_id, 0),
            "joined": reply.author.date_joined,
            "ban": reply.author.posting_ban(),
        }
        entries.append(
            QueueEntry(
                item=reply_in_context(reply, viewer),
                parent=reply_in_context(reply.parent, viewer) if reply.parent else None,
                flags=open_flags,
                author_history=history,
                branch_size=reply.descendant_total,
                actions=moderation_actions_for(reply, len(open_flags)),
            )
        )
    return entries


def moderation_log(*, viewer, limit: int = 200) -> list[dict]:
    """The newest log entries, naming moderators only to moderators unless the setting says so."""
    show_names = is_moderator(viewer) or settings.FORUM_MODLOG_SHOW_MODERATORS
    entries = ModerationLog.objects.select_related("actor", "reply__article", "article", "user")[:limit]
    rows = []
    for entry in entries:
        if entry.actor is None:
            who = "Automatic rule"
        else:
            who = entry.actor.public_name if show_names else "A moderator"
        rows.append({"entry": entry, "who": who})
    return rows


def tree_violations() -> list[str]:
    """Every broken nested-set invariant in the reply table, as readable lines. Empty when sound.

    One query, then one walk in (tree_id, lft) order with a stack of the open ancestors: each
    reply must sit inside the interval on top of the stack, and that interval must be its
    parent's. This catches crossing intervals and siblings nested in each other, which checks of
    each row against its own parent alone would miss. Fine for hundreds of thousands of rows.
    """
    rows = Reply.objects.order_by("tree_id", "lft", "id").values_list(
        "id", "parent_id", "tree_id", "lft", "rght", "level", "article_id"
    )
    problems: list[str] = []
    trees: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        trees[row[2]].append(row)

    for tree_id, members in trees.items():
        roots = [row[0] for row in members if row[1] is None]
        if len(roots) != 1:
            problems.append(f"tree {tree_id}: {len(roots)} roots {roots}, not exactly one")
        holders = defaultdict(list)
        for pk, _, _, lft, rght, _, _ in members:
            holders[lft].append(pk)
            holders[rght].append(pk)
        for value, pks in sorted(holders.items()):
            if len(pks) > 1:
                problems.append(f"tree {tree_id}: replies {pks} share the value {value}")
        expected = 2 * len(members)
        if min(holders) != 1 or max(holders) != expected:
            problems.append(
                f"tree {tree_id}: values run {min(holders)}..{max(holders)}, not 1..{expected} "
                f"for {len(members)} replies (root {roots[0] if roots else None})"
            )
        problems.extend(_nesting_violations(tree_id, members))
    return problems


def _nesting_violations(tree_id: int, members: list[tuple]) -> list[str]:
    problems = []
    stack: list[tuple] = []  # the open intervals containing the current reply, outermost first
    for row in members:
        pk, parent_id, _, lft, rght, level, article_id = row
        if lft >= rght:
            problems.append(f"reply {pk}: lft {lft} is not below rght {rght}")
        while stack and stack[-1][4] < lft:
            stack.pop()
        container = stack[-1] if stack else None
        if container is None:
            if parent_id is not None:
                problems.append(f"reply {pk}: has parent {parent_id} but lies outside every interval of tree {tree_id}")
            if level != 0:
                problems.append(f"reply {pk}: a root at level {level}, not 0")
        else:
            c_pk, _, _, c_lft, c_rght, c_level, c_article = container
            if parent_id != c_pk:
                problems.append(
                    f"reply {pk}: ({lft}, {rght}) lies directly inside reply {c_pk} ({c_lft}, {c_rght}), "
                    f"but its parent is {parent_id}"
                )
            if rght > c_rght:
                problems.append(f"reply {pk}: ({lft}, {rght}) crosses the end of reply {c_pk} ({c_lft}, {c_rght})")
            if level != c_level + 1:
                problems.append(f"reply {pk}: level {level} under reply {c_pk} at level {c_level}")
            if article_id != c_article:
                problems.append(f"reply {pk}: on article {article_id}, inside reply {c_pk} on article {c_article}")
        stack.append(row)
    return problems
