"""The Jinja2 environment for the thread fragment and the reply card (templates/jinja2/).

The thread is the one hot template: measured at 1,430 replies, Django's template engine took
about 0.5 ms a reply. Jinja2 renders the same markup many times faster.
"""

from django.template.defaultfilters import date
from jinja2 import Environment


def environment(**options):
    # Django's backend asks for autoescape already; saying it here keeps it true whatever the
    # settings pass, and lets the security lint see it.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.filters["date"] = date
    return env
