"""The moderators' pages (the queue, one reply's actions, suspensions), the public log, and the
readers' flag form. Every action is a POST to a service of forum.moderation.actions, as the
admin's actions are."""

from dataclasses import asdict
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.services import parse_suspension_end
from forum import policy
from forum.errors import ForumError, NotFound, Refused
from forum.threads import presenters as thread_presenters
from forum.threads import selectors as thread_selectors
from forum.threads.models import Reply
from forum.web import status_of

from . import actions, people, presenters, selectors, suspensions
from .forms import ArticleRulesForm, NoteForm
from .models import Flag


def _moderators_only(view):
    """Every page and action here but the log and the flag form: 403 for anyone else."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        policy.check(policy.moderator_refusal(request.user, _("Only moderators can see this page or do this.")))
        return view(request, *args, **kwargs)

    return checked


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _entries(replies, viewer):
    records = selectors.author_records({reply.author_id for reply in replies})
    return presenters.queue_entries(replies, records=records, viewer=viewer)


@_moderators_only
def queue(request):
    entries = _entries(selectors.queue(), request.user)
    return render(request, "moderation/queue.html", {"entries": entries})


@_moderators_only
def reply_page(request, pk):
    replies = selectors.queue_entry(pk=pk)
    if not replies:
        raise NotFound(_("There is no reply %(pk)s.") % {"pk": pk})
    entry = _entries(replies, request.user)[0]
    return render(request, "moderation/reply.html", {"entry": entry, "article": replies[0].article})


@require_POST
@_moderators_only
def reply_action(request, pk, action):
    if action not in actions.REPLY_ACTIONS:
        raise NotFound(_("There is no moderation action “%(action)s”.") % {"action": action})
    chosen = actions.REPLY_ACTIONS[action]
    reply = thread_selectors.reply_get(pk=pk)
    done = chosen.service(reply=reply, moderator=request.user, reason=request.POST.get("reason", ""))
    status = done.get_status_display().lower() if isinstance(done, Reply) else ""
    messages.success(request, chosen.done % {"status": status})
    return redirect(_back(request, reverse("forum:moderation_queue")))


@require_POST
@_moderators_only
def article_lock(request, slug, lock):
    article = thread_selectors.article_get(slug=slug, viewer=request.user)
    actions.article_lock(article=article, moderator=request.user, reason=request.POST.get("reason", ""), locked=lock)
    messages.success(request, _("The article is locked.") if lock else _("The article is open for replies again."))
    return redirect(_back(request, article.get_absolute_url()))


@_moderators_only
def user_page(request, username):
    person = thread_selectors.person_get(username=username)
    history = presenters.user_history(selectors.user_history(person), viewer=request.user)
    context = {"person": person, "ban": person.suspension_summary(), "history": history, "note_form": NoteForm()}
    return render(request, "moderation/user.html", context)


@require_POST
@_moderators_only
def user_ban(request, username):
    person = thread_selectors.person_get(username=username)
    try:
        until = parse_suspension_end(request.POST.get("until", ""))
    except ValueError as error:
        raise Refused(str(error)) from error
    suspensions.user_ban(user=person, moderator=request.user, reason=request.POST.get("reason", ""), until=until)
    messages.success(request, _("%(name)s is suspended.") % {"name": person.public_name})
    return redirect(reverse("forum:moderation_user", args=[person.username]))


@require_POST
@_moderators_only
def user_unban(request, username):
    person = thread_selectors.person_get(username=username)
    suspensions.user_unban(user=person, moderator=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("%(name)s may post again.") % {"name": person.public_name})
    return redirect(reverse("forum:moderation_user", args=[person.username]))


def log(request):
    """The moderation log is public, as on Lobsters; moderators' names are a setting."""
    entries = selectors.log_entries(include_drafts=request.user.is_staff)  # staff may open a draft
    rows = presenters.log_rows(entries, viewer=request.user)
    return render(request, "moderation/log.html", {"rows": rows})


@login_required
def flag(request, pk):
    reply = thread_selectors.reply_get(pk=pk)
    context = {
        "item": thread_presenters.reply_in_context(reply, request.user, heading_level=2),  # under the h1
        "article": reply.article,
        "reasons": Flag.Reason.choices,
    }
    if request.method != "POST":
        return render(request, "forum/flag.html", context)
    try:
        actions.reply_flag(
            reply=reply, flagger=request.user, reason=request.POST.get("reason", ""), text=request.POST.get("text", ""),
            good_faith=request.POST.get("good_faith") == "on",
        )
    except ForumError as error:
        context["error"] = error.message
        return render(request, "forum/flag.html", context, status=status_of(error))
    messages.success(request, _("Thank you: the moderators will look at it."))
    return redirect(reply.get_landing_url())


@_moderators_only
def article_rules(request, slug):
    article = thread_selectors.article_get(slug=slug, viewer=request.user)
    form = ArticleRulesForm(request.POST or None, initial=asdict(people.rules_of(article)))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            rules = people.ArticleRules(**form.cleaned_data)
            people.article_rules_set(article=article, moderator=request.user, rules=rules)
            messages.success(request, _("The discussion's rules are saved: %(rules)s.") % {"rules": rules.describe()})
            return redirect(reverse("forum:moderation_article_rules", args=[article.slug]))
        status = 400
    context = {"article": article, "form": form, "closes_on": article.closes_on}
    return render(request, "moderation/article_rules.html", context, status=status)


@require_POST
@_moderators_only
def user_note(request, username):
    person = thread_selectors.person_get(username=username)
    people.note_add(user=person, moderator=request.user, text=request.POST.get("text", ""))  # it says what is wrong
    messages.success(request, _("The note is added."))
    return redirect(reverse("forum:moderation_user", args=[person.username]) + "#notes")
