"""The admin's import pages: a Disqus export, or a saved news page, uploaded by staff.

Both call the same code as the commands (forum.imports, forum.threads.services). A file that
cannot be imported is answered 400 with the reason above the form, and nothing is written.
The Disqus upload suits exports of modest size; a big one belongs to `manage.py import_disqus`,
which shows its progress and is not bound by a web request's time.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from forum.errors import ForumError
from forum.threads.services import article_import

from .article import extract_article
from .disqus import DisqusError
from .plan import plan_import
from .report import report_lines
from .services import disqus_import


class DisqusUploadForm(forms.Form):
    export = forms.FileField(label="Disqus XML export", help_text="The .xml file Disqus sends (Export comments).")


class ArticleUploadForm(forms.Form):
    page = forms.FileField(label="Saved page (HTML)", help_text="The news page saved from the browser as HTML.")
    url = forms.URLField(label="Address", max_length=500, assume_scheme="https",
                         help_text="The address the page was saved from.")


def _page(request, admin_site, template, form, title, status=200):
    context = {**admin_site.each_context(request), "form": form, "title": title}
    return TemplateResponse(request, template, context, status=status)


def disqus_upload(request, admin_site):
    if not request.user.has_perm("forum.add_article"):
        raise PermissionDenied
    title = "Import from Disqus"
    form = DisqusUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _page(request, admin_site, "admin/forum/import_disqus.html", form, title,
                     status=400 if request.method == "POST" else 200)
    upload = form.cleaned_data["export"]
    # The import reads the file twice (check, then write), so it is spooled to disk first.
    with tempfile.NamedTemporaryFile(suffix=".xml") as spool:
        for chunk in upload.chunks():
            spool.write(chunk)
        spool.flush()
        try:
            plan = plan_import(Path(spool.name), path=upload.name)
            report = disqus_import(plan=plan, source=Path(spool.name))
        except DisqusError as error:
            form.add_error("export", f"{error} Nothing was imported.")
            return _page(request, admin_site, "admin/forum/import_disqus.html", form, title, status=400)
    for line in report_lines(report):
        messages.success(request, line)
    return redirect(reverse(f"{admin_site.name}:forum_article_changelist"))


def article_upload(request, admin_site):
    if not request.user.has_perm("forum.add_article"):
        raise PermissionDenied
    title = "Import an article"
    form = ArticleUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _page(request, admin_site, "admin/forum/import_article.html", form, title,
                     status=400 if request.method == "POST" else 200)
    try:
        article = article_import(extracted=extract_article(form.cleaned_data["page"].read(), url=form.cleaned_data["url"]))
    except ForumError as error:
        form.add_error(None, f"{error.message} Nothing was imported.")
        return _page(request, admin_site, "admin/forum/import_article.html", form, title, status=400)
    messages.success(request, f"Imported “{article.title}” as a draft: review it, then untick Draft and "
                              "save (or use the Publish action in the list).")
    return redirect(reverse(f"{admin_site.name}:forum_article_change", args=[article.pk]))
