"""The discussion's rows: articles, the reply tree, edit history and reading visits.

Rows change only through the services (forum.threads.services, forum.posting.services,
forum.moderation.actions), which take the tree locks of forum.threads.locks.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey

from forum.conf import forum_settings


class ArticleQuerySet(models.QuerySet):
    def newest_first(self):
        # The seeds give no date for the op-ed: undated articles go last rather than get a made-up date.
        return self.order_by(F("published_on").desc(nulls_last=True), "-id")

    def published(self):
        """Articles readers can see: drafts (an import the editor has not yet reviewed) are left out."""
        return self.filter(draft=False)

    def with_reply_counts(self):
        # Every reply, as the discussion's heading counts them: held and removed ones keep their
        # place in the thread as placeholders, so the two numbers agree.
        return self.annotate(reply_count=Count("replies"))


def default_language() -> str:
    """A new article's language, unless told otherwise: the site's (LANGUAGE_CODE)."""
    return settings.LANGUAGE_CODE


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Article(models.Model):
    title = models.CharField(max_length=300, verbose_name=_("title"))
    slug = models.SlugField(max_length=120, unique=True, verbose_name=_("slug"))
    source = models.CharField(max_length=200, blank=True, help_text=_("The publication it first appeared in."), verbose_name=_("source"))
    byline = models.CharField(max_length=200, blank=True, verbose_name=_("byline"))
    section = models.CharField(max_length=100, blank=True, verbose_name=_("section"))
    standfirst = models.TextField(blank=True, verbose_name=_("standfirst"))
    photo_caption = models.TextField(blank=True, verbose_name=_("photo caption"))
    body = models.TextField(help_text=_("Markdown."), verbose_name=_("body"))
    body_html = models.TextField(editable=False, verbose_name=_("body html"))
    published_on = models.DateField(null=True, blank=True, verbose_name=_("published on"))
    updated_on = models.DateField(null=True, blank=True, verbose_name=_("updated on"))
    locked = models.BooleanField(default=False, help_text=_("No new replies while locked."), verbose_name=_("locked"))
    # Where the article lives on the web: importers match a Disqus thread or a saved page by it.
    link = models.URLField(max_length=500, blank=True, help_text=_("The article's address on its own site."), verbose_name=_("link"))
    # The normalised address of the news site's page that embeds this discussion
    # (forum.embed.addresses): one page, one thread. Empty for articles not embedded.
    page_url = models.CharField(max_length=500, null=True, blank=True, unique=True, editable=False,
                                help_text=_("The page that embeds this discussion, normalised."), verbose_name=_("page address"))
    # An imported article waits here for an editor to review it; only staff can see a draft.
    draft = models.BooleanField(default=False, help_text=_("Hidden from readers until an editor publishes it."), verbose_name=_("draft"))
    # The discussion's own rules (forum.policy and the article_rules hook apply them; a
    # moderator sets them on the article's rules page or in the admin; each change is logged).
    close_after_days = models.PositiveIntegerField(
        null=True, blank=True,
        help_text=_("Close to new replies this many days after the publication date (an undated article never closes by itself)."),
        verbose_name=_("close after days"),
    )
    premoderate = models.BooleanField(default=False, help_text=_("Hold every new reply until a moderator approves it."), verbose_name=_("premoderate"))
    slow_mode_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Slow mode: each reader may post one reply per this many minutes here."), verbose_name=_("slow mode minutes")
    )
    reply_prompt = models.CharField(
        max_length=500, blank=True, help_text=_("An editor's prompt, shown above the reply box."), verbose_name=_("reply prompt")
    )
    # What the article and its replies are written in, whatever the reader's interface language:
    # their `lang` attribute (issue 17). Replies are taken to be in their article's language.
    language = models.CharField(
        max_length=12, default=default_language, verbose_name=_("language"),
        help_text=_("The language the article is written in, as a language code: en, fr, es, ar…"),
    )

    objects = ArticleManager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = [F("published_on").desc(nulls_last=True), "-id"]
        constraints = [
            models.UniqueConstraint(fields=["link"], condition=~Q(link=""), name="article_link_once"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:article", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def direction(self) -> str:
        """The `dir` of the article's own text. `lang` alone does not set the direction: an English
        article in the Arabic interface would inherit the page's rtl, its full stops jumping to the
        wrong end of each line. A code Django does not know leaves it to the browser ("auto")."""
        try:
            return "rtl" if get_language_info(self.language)["bidi"] else "ltr"
        except KeyError:
            return "auto"

    @property
    def closes_on(self):
        """The day from which no new reply is taken, or None."""
        if self.close_after_days is None or self.published_on is None:
            return None
        return self.published_on + timedelta(days=self.close_after_days)


class ReplyQuerySet(models.QuerySet):
    def in_thread_order(self):
        # Each top-level reply is its own tree, numbered in posting order, so (tree_id, lft) is the
        # whole discussion in reading order.
        return self.order_by("tree_id", "lft")

    def published(self):
        return self.filter(status=Reply.Status.PUBLISHED)


class Reply(MPTTModel):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HELD = "held", _("Held for review")
        REMOVED = "removed", _("Removed")

    class RemovedBy(models.TextChoices):
        NOBODY = "", _("Not removed")
        AUTHOR = "author", _("Its author")
        MODERATOR = "moderator", _("A moderator")
        # Deleted on the system it was imported from: kept as a placeholder so its replies stay put.
        DELETED = "deleted", _("Deleted before import")

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="replies", verbose_name=_("article"))
    parent = TreeForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="replies", verbose_name=_("author"))
    body = models.TextField(help_text=_("Markdown, as the author wrote it."), verbose_name=_("body"))
    body_html = models.TextField(editable=False, help_text=_("Sanitised HTML, rendered once when written."), verbose_name=_("body html"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PUBLISHED, verbose_name=_("status"))
    removed_by = models.CharField(max_length=10, choices=RemovedBy.choices, blank=True, default="", verbose_name=_("removed by"))
    # Set by a moderator: no new replies anywhere under this one.
    branch_locked = models.BooleanField(default=False, verbose_name=_("branch locked"))
    # Why a hook held it when it was posted, for the moderators' queue.
    hold_reason = models.TextField(blank=True, verbose_name=_("hold reason"))
    # The status it had before it was held or removed by moderation (forum.moderation.actions):
    # restoring a removal, or dismissing the flags that held it, returns it there. Empty for a
    # reply held since it was posted.
    previous_status = models.CharField(max_length=12, choices=Status.choices, blank=True, default="", verbose_name=_("previous status"))
    # The reply form carries a one-off token: a second submit of the same form finds the reply
    # the first one made instead of posting it twice.
    form_token = models.CharField(max_length=64, null=True, blank=True, editable=False, verbose_name=_("form token"))
    # Null for imported replies: the seed gives no times, and we do not invent them.
    created = models.DateTimeField(null=True, blank=True, verbose_name=_("created"))
    edited = models.DateTimeField(null=True, blank=True, verbose_name=_("edited"))
    # The post's id in the Disqus export it came from: a second import of the same file finds it.
    disqus_id = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False, verbose_name=_("disqus id"))
    # Weighing (forum.reactions): kept by its services, so a page reads them with the reply and
    # sorts by best_score in SQL. best_score is the Wilson lower bound of recommendations over
    # recommendations and open flags (forum.reactions.scoring); 0 with no votes.
    recommend_count = models.PositiveIntegerField(default=0, editable=False, verbose_name=_("recommend count"))
    best_score = models.FloatField(default=0.0, editable=False, verbose_name=_("best score"))
    # An editor's pick, set by a moderator (forum.moderation.actions: feature); the article shows
    # its published featured replies in a strip above the discussion.
    featured = models.BooleanField(default=False, verbose_name=_("featured"))

    objects = TreeManager.from_queryset(ReplyQuerySet)()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        indexes = [
            # django-mptt 0.20 does not index (tree_id, lft) on its own (its issue #682); every
            # insert renumbers by it and every page reads by it.
            models.Index(fields=["tree_id", "lft"], name="reply_tree_lft"),
            models.Index(fields=["article", "tree_id", "lft"], name="reply_article_thread"),
            # ?sort=best: the top-level replies by score, ties oldest first, read in index order.
            models.Index(
                F("article"), F("best_score").desc(), F("tree_id"), condition=Q(parent=None), name="reply_best_roots"
            ),
            # The featured strip rides on a page's second query (selectors.thread_page).
            models.Index(fields=["article"], condition=Q(featured=True), name="reply_featured"),
        ]
        permissions = [("moderate_reply", "Can moderate replies")]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "form_token"], condition=Q(form_token__isnull=False), name="reply_form_token_once"
            ),
            # The advisory lock in forum.threads.locks keeps two new top-level replies from taking the same
            # tree_id; this makes any writer that bypasses it (a raw save, loaddata) fail loudly.
            models.UniqueConstraint(fields=["tree_id"], condition=Q(parent=None), name="reply_one_root_per_tree"),
        ]

    def __str__(self) -> str:
        # Read in the admin's lists and messages, which select the author and the article with it.
        return f"Reply {self.pk} by {self.author.username} on {self.article.title}"

    def get_absolute_url(self) -> str:
        # The permalink page, not an anchor on the article page: with pagination and a display
        # depth, the reply may be on another page of the thread or below a "continue" link.
        return reverse("forum:reply", kwargs={"slug": self.article.slug, "pk": self.pk})

    def get_landing_url(self) -> str:
        """Where a user lands after acting on this reply: its page, scrolled to it and highlighted."""
        return f"{self.get_absolute_url()}#r{self.pk}"

    @property
    def descendant_total(self) -> int:
        return (self.rght - self.lft - 1) // 2


class ReplyRevision(models.Model):
    """A reply's text as it was before an edit. Moderators read the history; nothing deletes it."""

    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("reply"))
    body = models.TextField(verbose_name=_("body"))
    body_html = models.TextField(verbose_name=_("body html"))
    written = models.DateTimeField(null=True, help_text=_("When this version was posted or last edited."), verbose_name=_("written"))
    replaced = models.DateTimeField(help_text=_("When the edit replaced it."), verbose_name=_("replaced"))

    class Meta:
        verbose_name = _("reply revision")
        verbose_name_plural = _("reply revisions")
        ordering = ["-replaced", "-id"]



class ArticleVisit(models.Model):
    """When a signed-in reader last read an article, so the next visit can mark what is new."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_visits", verbose_name=_("user"))
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="visits", verbose_name=_("article"))
    last_seen_at = models.DateTimeField(help_text=_("The reader's latest page view of this article."), verbose_name=_("last seen at"))
    # Where the current visit's "new" marks start: the last page view of the visit before.
    # Null during the first visit, when nothing is new.
    new_after = models.DateTimeField(null=True, blank=True, verbose_name=_("new after"))

    class Meta:
        verbose_name = _("article visit")
        verbose_name_plural = _("article visits")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="one_visit_per_reader_and_article"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} last read article {self.article_id} at {self.last_seen_at}"

    def new_after_at(self, at):
        """Where "new" starts for a page viewed at `at`: a view within FORUM_VISIT_GAP_MINUTES of
        the last one continues the visit; a later one starts a visit that marks all since then."""
        if at - self.last_seen_at > timedelta(minutes=forum_settings.VISIT_GAP_MINUTES):
            return self.last_seen_at
        return self.new_after
