"""The Jinja2 environment for the thread fragment and the reply card (templates/jinja2/).

The thread is the one hot template: measured at 1,430 replies, Django's template engine took
about 0.5 ms a reply. Jinja2 renders the same markup many times faster.

Its strings go through Django's translation: `_()`, `gettext`, `ngettext` and `pgettext` (new
style: `_("%(name)s replied", name=...)` formats, and escapes what it puts in), in the language
of the request. `manage.py makemessages` finds them with Jinja2's own extractor
(forum/management/commands/makemessages.py).

A call in a template is slow, though: Jinja2's i18n functions go through three context.call()s
and a Markup format, and Django's gettext reads the active language from a context-local, about
25 µs in all; a card's eight strings cost several times the card. So the plain strings a card or
the thread prints are written `{{ t["Reply"] }}`, and each language has its own compiled copy of
the templates (template_for) in which `t["Reply"]` was replaced by its translation when the
template was compiled: a constant, as cheap as the English text was. makemessages finds
`t["…"]` as it finds `_("…")`. Drawn without a language of its own (by the Django backend), `t`
is looked up at run time in the active language. `_()` stays for the rarer strings with
placeholders, `_("You ignore %(name)s.", name=...)`.
"""

from django.core.signals import setting_changed
from django.template.defaultfilters import date
from django.utils import translation
from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.lexer import Token

_translated: dict[tuple[str, str, str], str] = {}


class Strings(dict):
    """One language's plain strings for the templates, each translated the first time it is asked."""

    def __init__(self, language: str):
        super().__init__()
        self.language = language

    def __missing__(self, message: str) -> str:
        with translation.override(self.language):
            text = self[message] = translation.gettext(message)
        return text


_strings: dict[str, Strings] = {}


def strings_for(language: str) -> Strings:
    strings = _strings.get(language)
    if strings is None:
        strings = _strings[language] = Strings(language)
    return strings


class _ActiveStrings:
    """`t` where a fragment did not put one in (a macro called from Python: forum.threads.overlay):
    the active language's, looked up per string."""

    def __getitem__(self, message: str) -> str:
        return strings_for(translation.get_language())[message]


def _language(context) -> str:
    return context.get("LANGUAGE_CODE") or translation.get_language()


@pass_context
def _gettext(context, message: str) -> str:
    key = (_language(context), "", message)
    text = _translated.get(key)
    if text is None:
        with translation.override(key[0]):
            text = _translated[key] = translation.gettext(message)
    return text


@pass_context
def _pgettext(context, message_context: str, message: str) -> str:
    key = (_language(context), message_context, message)
    text = _translated.get(key)
    if text is None:
        with translation.override(key[0]):
            text = _translated[key] = translation.pgettext(message_context, message)
    return text


@pass_context
def _ngettext(context, singular: str, plural: str, count: int) -> str:
    with translation.override(_language(context)):
        return translation.ngettext(singular, plural, count)


@pass_context
def _npgettext(context, message_context: str, singular: str, plural: str, count: int) -> str:
    with translation.override(_language(context)):
        return translation.npgettext(message_context, singular, plural, count)


class ConstantStrings(Extension):
    """Replaces `t["…"]` by its translation in the environment's language as the template is
    compiled (template_for)."""

    _PATTERN = (("name", "t"), ("lbracket", None), ("string", None), ("rbracket", None))

    def filter_stream(self, stream):
        language = getattr(self.environment, "forum_language", None)
        if language is None:
            yield from stream
            return
        strings = strings_for(language)
        pending = []
        for token in stream:
            kind, value = self._PATTERN[len(pending)]
            if token.type == kind and (value is None or token.value == value):
                pending.append(token)
                if len(pending) == len(self._PATTERN):
                    yield Token(pending[0].lineno, "string", strings[pending[2].value])
                    pending = []
                continue
            yield from pending
            pending = []
            if token.type == "name" and token.value == "t":
                pending.append(token)
            else:
                yield token
        yield from pending


_environments: dict[str, Environment] = {}


def template_for(name: str, language: str):
    """The Jinja2 template `name` compiled for `language` (see the module's note)."""
    env = _environments.get(language)
    if env is None:
        from django.template import engines

        env = engines["jinja2"].env.overlay(extensions=[ConstantStrings], cache_size=400)  # its own cache
        env.forum_language = language
        _environments[language] = env
    return env.get_template(name)


def _forget(*, setting, **kwargs):
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
        _translated.clear()
        _strings.clear()
        _environments.clear()


setting_changed.connect(_forget, dispatch_uid="forum-jinja-translations")


def environment(**options):
    # Django's backend asks for autoescape already; saying it here keeps it true whatever the
    # settings pass, and lets the security lint see it.
    options.pop("autoescape", None)
    extensions = [*options.pop("extensions", []), "jinja2.ext.i18n"]
    env = Environment(autoescape=True, extensions=extensions, **options)
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext)
    env.globals["t"] = _ActiveStrings()
    env.filters["date"] = date
    return env
