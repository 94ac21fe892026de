"""Django's makemessages, which also finds the strings of the Jinja2 templates (templates/jinja2/).

Django reads every other template with its own template lexer, which does not understand
Jinja2's `{{ _("…", name=…) }}`, `ngettext(…)` or the `{{ t["…"] }}` lookups (forum.jinja_env). Here a Jinja2 template is read by Jinja2's own
extractor, and what it finds is handed to xgettext as Python calls on the same line numbers, so
the catalog's references point into the template. Everything else is Django's.

The directories that hold no source of the forum's are left out: collected static files (the
admin's scripts would come back into djangojs), the virtualenv, var/, the seeds.
"""

from __future__ import annotations

import json
import os

from django.core.management.commands import makemessages
from django.utils.functional import cached_property
from jinja2 import Environment, nodes

JINJA_DIR = os.sep + "jinja2" + os.sep
IGNORED = ["staticfiles", "var", "seeds", "fixtures", "docs", "node_modules", "venv"]


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def jinja_to_python(source: str) -> str:
    """The gettext calls of the Jinja2 template `source`, as Python, each on its template line:
    `_("…")`, `ngettext(…)` and the like, and the plain strings looked up as `t["…"]`
    (forum.jinja_env)."""
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)  # parsed, never rendered
    lines = [""] * (source.count("\n") + 1)
    for lookup in env.parse(source).find_all(nodes.Getitem):
        if isinstance(lookup.node, nodes.Name) and lookup.node.name == "t" and isinstance(lookup.arg, nodes.Const) \
                and isinstance(lookup.arg.value, str):
            lines[lookup.lineno - 1] += f"gettext({_literal(lookup.arg.value)}); "
    for lineno, function, message in env.extract_translations(source):
        if isinstance(message, str):
            call = f"gettext({_literal(message)})"
        else:
            strings = [text for text in message if isinstance(text, str)]
            if function == "ngettext" and len(strings) >= 2:
                call = f"ngettext({_literal(strings[0])}, {_literal(strings[1])}, n)"
            elif strings:
                call = f"gettext({_literal(strings[0])})"
            else:
                continue
        lines[lineno - 1] += call + "; "
    return "\n".join(lines) + "\n"


class BuildFile(makemessages.BuildFile):
    @cached_property
    def is_jinja(self):
        return self.domain == "django" and JINJA_DIR in os.path.join(self.translatable.dirpath, "")

    def preprocess(self):
        if not self.is_jinja:
            return super().preprocess()
        with open(self.path, encoding="utf-8") as fp:
            content = jinja_to_python(fp.read())
        with open(self.work_path, "w", encoding="utf-8") as fp:
            fp.write(content)


class Command(makemessages.Command):
    build_file_class = BuildFile

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        return super().handle(*args, **options)
