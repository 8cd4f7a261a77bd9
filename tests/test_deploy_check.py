"""`manage.py check --deploy` passes with production-like settings, nothing silenced."""

import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings


def test_deploy_check_reports_no_issues_with_production_settings(tmp_path):
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "XERO_", "SECURE_"))},
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "app.example.com",
        "XERO_CLIENT_ID": "production-client-id",
        "XERO_CLIENT_SECRET": "production-client-secret",
        "SITE_URL": "https://app.example.com",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "dext.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {
        **{key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}},
        "DEBUG": "false",
        "SECRET_KEY": "",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
