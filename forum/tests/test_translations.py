"""The catalogs (issue 17): every configured language is complete, compiled and in step with the
code; makemessages finds every string the code marks, the Jinja2 templates' and the scripts' too.

Read with Babel (requirements.txt), as the Makefile compiles them. README, "Languages", says what
to do when one of these fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
DOMAINS = ("django", "djangojs")
SOURCE_LANGUAGE = "en"  # the msgids are English: it has no catalog of its own
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]
CATALOGS = [(code, domain) for code in TRANSLATED for domain in DOMAINS]


def _po(code: str, domain: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / f"{domain}.po"


def _read(path: Path):
    with open(path, "rb") as source:
        return read_po(source)


def _show(messages: list) -> str:
    shown = "\n  ".join(repr(message.id) for message in messages[:8])
    more = f"\n  … and {len(messages) - 8} more" if len(messages) > 8 else ""
    return f"{len(messages)}:\n  {shown}{more}"


@pytest.mark.parametrize("code,domain", CATALOGS)
def test_every_configured_language_is_completely_translated(code, domain):
    path = _po(code, domain)
    assert path.exists(), f"{path} is missing: run `manage.py makemessages -l {code}` (README, Languages)"
    catalog = _read(path)
    messages = [message for message in catalog if message.id]
    assert messages, f"{path} holds no messages"
    fuzzy = [message for message in messages if message.fuzzy]
    untranslated = [
        message for message in messages
        if not (all(message.string) if isinstance(message.string, tuple) else message.string)
    ]
    assert not untranslated, f"{path}: untranslated entries, {_show(untranslated)}"
    assert not fuzzy, f"{path}: fuzzy entries (check the translation, then remove the fuzzy flag), {_show(fuzzy)}"


@pytest.mark.parametrize("code,domain", CATALOGS)
def test_translations_keep_the_placeholders_and_the_plural_forms(code, domain):
    """A translation that drops %(name)s or adds one would fail when the page is drawn."""
    catalog = _read(_po(code, domain))
    problems = [
        f"{message.id!r}: {'; '.join(str(error) for error in errors)}"
        for message, errors in catalog.check()
        if errors
    ]
    assert not problems, f"{_po(code, domain)}:\n  " + "\n  ".join(problems[:10])
    wrong = [
        message.id for message in catalog
        if message.id and message.pluralizable and len(message.string) != catalog.num_plurals
    ]
    assert not wrong, f"{_po(code, domain)}: plural entries without {catalog.num_plurals} forms: {wrong[:5]}"


def test_arabic_declares_its_six_plural_forms():
    for domain in DOMAINS:
        catalog = _read(_po("ar", domain))
        assert catalog.num_plurals == 6
        assert catalog.plural_expr.replace(" ", "") == (
            "n==0?0:n==1?1:n==2?2:n%100>=3&&n%100<=10?3:n%100>=11?4:5"
        )


@pytest.mark.parametrize("code,domain", CATALOGS)
def test_every_catalog_is_compiled_and_not_older_than_its_source(code, domain):
    source = _po(code, domain)
    compiled = source.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run `make messages` (make install does it)"
    assert compiled.stat().st_mtime >= source.stat().st_mtime, (
        f"{compiled} is older than {source.name}: run `make messages`"
    )


# --- makemessages finds every string ------------------------------------------------------------

# What the forum's makemessages reads: the code, the templates and the page scripts.
SOURCES = ["manage.py", "config", "accounts", "forum", "jobs", "templates", "static/js"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """A copy of the sources, with `manage.py makemessages -l fr` and `-d djangojs -l fr` run on it
    into an empty locale/: what makemessages finds today."""
    if shutil.which("xgettext") is None:
        pytest.fail("makemessages needs GNU gettext (xgettext): apt-get install gettext")
    root = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        source = Path(settings.BASE_DIR) / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / name)
    (root / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(root)}
    environment.pop("DATABASE_URL", None)
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "fr", "-d", domain, "--no-location"],
            cwd=root, env=environment, check=True, capture_output=True, timeout=300,
        )
    return {domain: _read(root / "locale" / "fr" / "LC_MESSAGES" / f"{domain}.po") for domain in DOMAINS}


def _ids(catalog) -> set:
    return {(message.context, message.id) for message in catalog if message.id}


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_catalogs_hold_every_string_makemessages_finds(extracted, domain):
    found = _ids(extracted[domain])
    assert found, f"makemessages found no {domain} strings"
    for code in TRANSLATED:
        missing = sorted(found - _ids(_read(_po(code, domain))), key=str)
        assert not missing, (
            f"{_po(code, domain)} lacks {len(missing)} strings the code marks, such as {missing[:5]}: "
            f"run `manage.py makemessages -a` (and `-d djangojs -a`), then translate them"
        )


def test_makemessages_reads_the_jinja2_templates_and_the_scripts(extracted):
    """The thread's strings are in Jinja2 templates, which Django's makemessages cannot read by
    itself (forum/management/commands/makemessages.py), and thread.js's come through the catalog."""
    django_ids = {message_id for _context, message_id in _ids(extracted["django"])}
    assert {"Show their reply", "Continue this thread →", "You ignore %(name)s."} <= django_ids
    script_ids = {message_id for _context, message_id in _ids(extracted["djangojs"])}
    assert ("%(count)s new reply — show", "%(count)s new replies — show") in script_ids
    assert "Cannot preview" in script_ids
