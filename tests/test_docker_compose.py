"""docker-compose.yml can't run here; this checks it only refers to things that exist."""

import importlib
import importlib.util
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
APP_SERVICES = {"migrate", "web", "worker", "capture-worker", "beat"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def _module_exists(dotted: str) -> bool:
    return importlib.util.find_spec(dotted) is not None


def test_compose_has_the_production_services(compose):
    assert APP_SERVICES | {"postgres", "redis"} <= set(compose["services"])


def test_every_app_service_is_built_from_the_dockerfile_and_reads_dot_env(compose):
    assert (BASE_DIR / "Dockerfile").is_file()
    assert (BASE_DIR / ".env.example").is_file()
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["build"] == "."
        assert service["env_file"] == ".env"


def test_every_command_refers_to_something_in_the_project(compose):
    for name, service in compose["services"].items():
        command = service.get("command")
        if not command or name in {"postgres", "redis"}:
            continue
        program = command[0]
        if program == "gunicorn":
            module, _, attribute = command[1].partition(":")
            assert _module_exists(module), command
            assert hasattr(importlib.import_module(module), attribute or "application")
        elif program == "celery":
            app_module = command[command.index("-A") + 1]
            assert hasattr(importlib.import_module(f"{app_module}.celery"), "app"), command
            assert command[command.index("-A") + 2] in {"worker", "beat"}
        elif program == "python":
            assert (BASE_DIR / command[1]).is_file(), command
            from django.core.management import get_commands

            assert command[2] in get_commands(), command
        else:
            pytest.fail(f"{name}: unexpected command {command}")


def test_every_service_has_a_healthcheck_or_runs_once(compose):
    for name, service in compose["services"].items():
        if name in {"migrate", "beat"}:
            continue  # migrate exits; beat has no port or ping to check
        assert "healthcheck" in service, name


def test_capture_has_a_worker_on_its_own_queue(compose):
    command = compose["services"]["capture-worker"]["command"]
    assert command[command.index("-Q") + 1] == settings.CAPTURE_QUEUE
    assert "-Q" not in compose["services"]["worker"]["command"]  # the default queue: publishing, lists


def test_dockerfile_command_serves_the_wsgi_app():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "COPY requirements.lock" in dockerfile
    assert '"dext.wsgi:application"' in dockerfile


def test_gunicorn_recycles_its_workers_with_jitter(compose):
    """A worker that grew (a leak, a big upload) is replaced after a number of requests;
    the jitter keeps the workers from all restarting at once."""
    dockerfile_cmd = next(line for line in (BASE_DIR / "Dockerfile").read_text().splitlines() if line.startswith("CMD"))
    for command in (compose["services"]["web"]["command"], yaml.safe_load(dockerfile_cmd.removeprefix("CMD"))):
        assert int(command[command.index("--max-requests") + 1]) > 0, command
        assert int(command[command.index("--max-requests-jitter") + 1]) > 0, command
