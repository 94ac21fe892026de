"""The forum stores no IP addresses (issue 17, docs/privacy.md): no model has a field for one, no
table a column named like one, and no installed app of allauth's that keeps them. Rate limits
count in the cache, for minutes (allauth's and forum.reactions')."""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models

IP_LIKE = re.compile(r"(^|_)(ip|ips|ip_?address|remote_?addr|client_?ip|x_forwarded_for)($|_)", re.IGNORECASE)


def test_no_model_field_holds_an_ip_address():
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields()
        if isinstance(field, models.GenericIPAddressField) or IP_LIKE.search(getattr(field, "column", None) or field.name)
    ]
    assert offenders == []


@pytest.mark.django_db
def test_no_column_of_any_table_is_named_like_an_ip_address():
    with connection.cursor() as cursor:
        offenders = [
            f"{table}.{column.name}"
            for table in connection.introspection.table_names(cursor)
            for column in connection.introspection.get_table_description(cursor, table)
            if IP_LIKE.search(column.name)
        ]
    assert offenders == []


def test_no_allauth_app_that_records_ip_addresses_is_installed():
    # allauth.usersessions keeps each session's IP address and user agent; allauth.account keeps
    # none (its rate limits key cache counters by IP, and they expire with the window).
    assert "allauth.usersessions" not in settings.INSTALLED_APPS
    assert not getattr(settings, "USERSESSIONS_TRACK_ACTIVITY", False)
