"""The production settings, loaded the way an app server loads them: in a fresh process, with the
environment from .env.example."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from config.settings import base as base_settings

BASE_DIR = Path(settings.BASE_DIR)


def example_environment() -> dict[str, str]:
    env = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        env[name] = value.strip('"')
    return env


def run_production(args: list[str], **overrides: str) -> subprocess.CompletedProcess:
    """Run Python with the production settings and the example environment, nothing inherited."""
    example = example_environment()
    inherited = {k: v for k, v in os.environ.items() if k not in example and not k.startswith("DJANGO")}
    env = {**inherited, **example, "DJANGO_SETTINGS_MODULE": "config.settings.prod", **overrides}
    return subprocess.run([sys.executable, *args], env=env, cwd=BASE_DIR, capture_output=True, text=True)


def test_env_example_lists_every_variable_the_settings_read():
    read = set()
    for source in (BASE_DIR / "config" / "settings").glob("*.py"):
        text = source.read_text()
        read |= set(re.findall(r'(?:os\.environ\.get|os\.environ\.setdefault|env_bool|env_list)\(\s*"(\w+)"', text))
        read |= set(re.findall(r'\benv="(\w+)"', text))
    read |= set(base_settings.ENV_FORUM_SETTINGS)
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SECURE_SSL_REDIRECT"} <= read  # the parsing works
    assert read - set(example_environment()) == set()


def test_production_settings_pass_the_deploy_checks_with_the_example_environment():
    result = run_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_checks_fail_when_a_production_safeguard_is_switched_off():
    result = run_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SECURE_SSL_REDIRECT="false")
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_production_settings_keep_debug_off_whatever_the_environment_says():
    result = run_production(
        ["-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"], DEBUG="true"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_settings_refuse_to_start_without_allowed_hosts():
    result = run_production(["-c", "import django; django.setup()"], ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set in production" in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_production(["-c", "import django; django.setup()"], SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_logs_a_line_per_request_and_per_moderation_action_on_stdout():
    script = """
import logging
import django
django.setup()
from django.test import Client
Client().get("/some/page/", HTTP_HOST="forum.example.org")
logging.getLogger("forum.moderation").info("reply 7 removed by moderator 2")
"""
    result = run_production(["-c", script])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Plain HTTP is redirected to HTTPS before any view (or database) is reached.
    assert len(lines) == 2, result.stdout
    assert re.search(r" forum\.requests GET /some/page/ 301 \d+ms user=-$", lines[0])
    assert lines[1].endswith(" forum.moderation reply 7 removed by moderator 2")


def test_production_keeps_the_replica_it_is_given():
    code = "import django; django.setup(); from django.conf import settings; print(sorted(settings.DATABASES))"
    result = run_production(["-c", code], DATABASE_REPLICA_URL="postgres://forum@replica.internal:5432/forum")
    assert result.stdout.split() == ["['default',", "'replica']"], result.stderr
