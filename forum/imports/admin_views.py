"""The admin's import pages: a Disqus export, or a saved news page, uploaded by staff.

Both call the same code as the commands (forum.imports, forum.threads.services). A file that
cannot be imported is answered 400 with the reason above the form, and nothing is written.
A Disqus export is checked whole in the request, then imported by the task queue's worker
(forum.imports.tasks): however big it is, the request ends in seconds.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus

from forum.errors import ForumError
from forum.threads.services import article_import

from .article import extract_article
from .disqus import DisqusError
from .plan import plan_import
from .tasks import disqus_import_stored


class DisqusUploadForm(forms.Form):
    export = forms.FileField(label=_("Disqus XML export"), help_text=_("The .xml file Disqus sends (Export comments)."))


class ArticleUploadForm(forms.Form):
    page = forms.FileField(label=_("Saved page (HTML)"), help_text=_("The news page saved from the browser as HTML."))
    url = forms.URLField(label=_("Address"), max_length=500, assume_scheme="https",
                         help_text=_("The address the page was saved from."))


def _page(request, admin_site, form, title, status=200):
    """Either upload form, in the admin's frame (one template serves both)."""
    context = {**admin_site.each_context(request), "form": form, "title": title}
    return TemplateResponse(request, "admin/forum/import.html", context, status=status)


def disqus_upload(request, admin_site):
    if not request.user.has_perm("forum.add_article"):
        raise PermissionDenied
    title = _("Import from Disqus")
    form = DisqusUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _page(request, admin_site, form, title,
                     status=400 if request.method == "POST" else 200)
    upload = form.cleaned_data["export"]
    # Checked whole first (the import's first pass), from a spooled copy.
    with tempfile.NamedTemporaryFile(suffix=".xml") as spool:
        for chunk in upload.chunks():
            spool.write(chunk)
        spool.flush()
        try:
            plan = plan_import(Path(spool.name), path=upload.name)
        except DisqusError as error:
            form.add_error("export", _("%(error)s Nothing was imported.") % {"error": error})
            return _page(request, admin_site, form, title, status=400)
        spool.seek(0)
        stored = default_storage.save(f"imports/disqus-{uuid.uuid4().hex}.xml", File(spool))
    result = disqus_import_stored.enqueue(stored, upload.name)
    if result.status == TaskResultStatus.SUCCESSFUL:  # the immediate backend (make run) ran it already
        for line in result.return_value["report"]:
            messages.success(request, line)
    elif result.status == TaskResultStatus.FAILED:
        messages.error(request, _("%(name)s: the import failed, and nothing was imported: %(cause)s.") % {"name": upload.name, "cause": result.errors[-1].exception_class_path if result.errors else _('see the server log')})
    else:
        messages.success(
            request,
            _(
                "%(name)s: %(posts)s posts in %(threads)s threads checked. The worker is importing them; the "
                "report will be under Django Tasks Database › Task results."
            ) % {
                "name": upload.name,
                "posts": number_format(len(plan.posts), force_grouping=True),
                "threads": number_format(len(plan.threads), force_grouping=True),
            },
        )
    return redirect(reverse(f"{admin_site.name}:forum_article_changelist"))


def article_upload(request, admin_site):
    if not request.user.has_perm("forum.add_article"):
        raise PermissionDenied
    title = _("Import an article")
    form = ArticleUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _page(request, admin_site, form, title,
                     status=400 if request.method == "POST" else 200)
    try:
        article = article_import(extracted=extract_article(form.cleaned_data["page"].read(), url=form.cleaned_data["url"]))
    except ForumError as error:
        form.add_error(None, _("%(error)s Nothing was imported.") % {"error": error.message})
        return _page(request, admin_site, form, title, status=400)
    messages.success(request, _("Imported “%(title)s” as a draft: review it, then untick Draft and save (or use the Publish action in the list).") % {"title": article.title})
    return redirect(reverse(f"{admin_site.name}:forum_article_change", args=[article.pk]))
