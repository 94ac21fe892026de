"""`{% reply_card item %}`: a reply's card (templates/jinja2/forum/reply_card.html) inside a Django
page. A whole thread is drawn by the view, with forum.threads.presenters.thread_html."""

from django import template

from forum.threads.presenters import ancestors_html as _ancestors_html
from forum.threads.presenters import card_html

register = template.Library()


@register.simple_tag
def reply_card(item):
    return card_html(item)


@register.simple_tag
def ancestors_html(branch):
    return _ancestors_html(branch)


@register.filter
def machine_time(value):
    """A time for <time datetime>: whole seconds, as HTML allows at most three digits of a
    fraction and isoformat() writes six."""
    return value.isoformat(timespec="seconds") if value else ""
