"""Production settings (DEBUG=0): transport, headers, CSP, and a request body bounded before it is read."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {"DEBUG": "0", "REQUIRE_SECRET_KEY": "1", "ALLOWED_HOSTS": "edu.example.gov.cn"}


def _production(code: str, **extra) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in {"SECURE_SSL_REDIRECT", "SECURE_COOKIES", "TRUST_X_FORWARDED_PROTO", "SECURE_HSTS_SECONDS",
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(PRODUCTION_ENV, SECRET_KEY=secrets.token_urlsafe(50), DJANGO_SETTINGS_MODULE="config.settings")
    env.update(extra)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


SHOW = ("import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, 'session': s.SESSION_COOKIE_SECURE,"
        "'csrf': s.CSRF_COOKIE_SECURE, 'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None)}))")


def test_check_deploy_reports_nothing_under_production_settings():
    result = _production("import sys; from django.core.management import execute_from_command_line; "
                         "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_redirects_to_https_with_hsts_and_secure_cookies():
    shown = json.loads(_production(SHOW).stdout)
    assert shown == {"redirect": True, "hsts": 365 * 24 * 3600, "session": True, "csrf": True, "proxy": None}


def test_forwarded_proto_is_trusted_only_when_configured():
    shown = json.loads(_production(SHOW, TRUST_X_FORWARDED_PROTO="1").stdout)
    assert shown["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_refuses_to_start_without_a_secret_key():
    result = _production("import django; django.setup()", SECRET_KEY="")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_pages_send_a_csp_allowing_only_own_scripts_and_styles(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_templates_have_no_inline_scripts_styles_or_handlers():
    offending = []
    # javascript: URLs are inline script too (the CSP refuses them)
    pattern = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|=\s*[\"']?\s*javascript:",
                         re.IGNORECASE)
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]:
        if ".venv" in template.parts or "node_modules" in template.parts:
            continue
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offending.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offending == []


@pytest.mark.django_db
def test_body_over_the_limit_is_refused_from_its_length_before_it_is_read(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1024
    settings.UPLOAD_MAX_BYTES = 1024 * 1024

    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    response = client.generic("POST", reverse("login"), data=b"", CONTENT_LENGTH="500000000",
                              **{"wsgi.input": Unreadable()})
    assert response.status_code == 413
    assert "1 MB" in response.content.decode()


@pytest.mark.django_db
def test_body_within_the_limit_reaches_the_view(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1024
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 200
