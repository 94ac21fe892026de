"""The reply card and the thread, drawn by Jinja2 (templates/jinja2/) inside Django pages."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _render(name: str, context: dict) -> SafeString:
    # Jinja2 autoescapes everything it prints, and lets through only what is already marked safe
    # (reply bodies, via rendering.stored_html). So its output as a whole is safe HTML.
    return mark_safe(get_template(name, using="jinja2").render(context))  # noqa: S308


@register.simple_tag
def reply_card(item) -> SafeString:
    return _render("forum/reply_card.html", {"item": item})


@register.simple_tag
def thread_list(thread) -> SafeString:
    return _render("forum/thread.html", {"thread": thread})
