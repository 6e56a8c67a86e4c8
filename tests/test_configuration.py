"""A production start refuses unsafe settings; every response carries the security headers."""

import subprocess
import sys

import pytest

from app import DEVELOPMENT_SECRET, create_app
from tests.helpers.database import bind_suite_database

STRONG_SECRET = "k" * 48


@pytest.mark.parametrize(
    "settings, variable",
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": DEVELOPMENT_SECRET}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-secret"}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG_SECRET, "DEMO_MODE": True}, "TAWASUL_DEMO"),
    ],
    ids=["missing-secret", "development-secret", "short-secret", "demo-mode"],
)
def test_outside_development_an_unsafe_setting_stops_the_start(app, settings, variable):
    config = {"TAWASUL_ENV": "production", "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": ""}
    config.update(settings)
    with pytest.raises(SystemExit) as stopped:
        create_app(config)
    assert variable in str(stopped.value)


def test_the_command_line_says_in_one_line_which_variable_to_set(tmp_path):
    environment = {"TAWASUL_ENV": "production", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    finished = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app:create_app", "routes"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    last_lines = [line for line in finished.stderr.splitlines() if line.strip()]
    assert last_lines[-1].startswith("Tawasul: set SECRET_KEY")
    assert "Traceback" not in finished.stderr


@pytest.fixture
def production(app):
    config = dict(app.config, TAWASUL_ENV="production", SECRET_KEY=STRONG_SECRET, DEMO_MODE=False)
    served = create_app(config)
    served.test_client_class = app.test_client_class
    yield served
    bind_suite_database(app)


PAGES = ["/", "/login", "/static/css/site.css", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_turns_off_camera_microphone_location_and_payment(client, path):
    response = client.get(path)
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # development serves plain HTTP


@pytest.mark.parametrize("path", PAGES)
def test_in_production_browsers_are_told_to_use_https_only(production, path):
    response = production.test_client().get(path, base_url="https://tawasul.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "payment=()" in response.headers["Permissions-Policy"]


def test_in_production_the_session_cookie_is_secure(production):
    response = production.test_client().get("/login", base_url="https://tawasul.example")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
