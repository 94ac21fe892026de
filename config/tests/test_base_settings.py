"""config.settings.base alone, as any settings module built on it starts: test_deploy.py covers
the production module."""

import os
import subprocess
import sys

from django.conf import settings


def load_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.base", **env},
        cwd=settings.BASE_DIR, capture_output=True, text=True,
    )


def test_base_settings_with_debug_off_refuse_to_start_without_a_secret_key():
    result = load_settings({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_base_settings_with_debug_off_start_with_a_secret_key():
    assert load_settings({"DEBUG": "false", "SECRET_KEY": "x" * 50}).returncode == 0
