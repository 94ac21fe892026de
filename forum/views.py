from django.shortcuts import render

from . import selectors


def home(request):
    return render(request, "forum/home.html", {"articles": selectors.article_list()})


def article(request, slug):
    article = selectors.article_get(slug=slug)
    thread = selectors.thread_for(article=article, viewer=request.user)
    return render(request, "forum/article.html", {"article": article, "thread": thread})
