"""Celery beat's periodic jobs survive restarts: daily and 6-hourly jobs run at fixed
times (crontab), and when each last ran is kept in the schedule file (on a volume in
docker-compose), so a restart neither restarts a job's clock nor skips a run that fell
due while beat was down."""

from datetime import timedelta

import pytest
import yaml
from celery.beat import PersistentScheduler
from celery.schedules import crontab
from django.conf import settings

from dext.celery import app

DAILY_AND_SLOWER = ("connections-health-check", "connections-keep-alive", "lists-refresh-all")


class _Beat(PersistentScheduler):
    """Beat's own scheduler on a given file; tasks it sends are recorded, not queued."""

    def __init__(self, filename):
        self.sent: list[str] = []
        super().__init__(app=app, schedule_filename=str(filename), lazy=False)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        entry = self.reserve(entry) if advance else entry
        self.sent.append(entry.name)


@pytest.fixture
def schedule_file(tmp_path):
    return tmp_path / "celerybeat-schedule"


def test_daily_and_six_hourly_jobs_run_at_fixed_times():
    for name in DAILY_AND_SLOWER:
        assert isinstance(settings.CELERY_BEAT_SCHEDULE[name]["schedule"], crontab), name


def test_a_restart_runs_a_job_that_fell_due_while_beat_was_down(schedule_file):
    beat = _Beat(schedule_file)
    entry = beat.schedule["connections-keep-alive"]
    # It last ran two days ago; today's run fell due while beat was being redeployed.
    beat.schedule["connections-keep-alive"] = entry._next_instance(last_run_at=entry.default_now() - timedelta(days=2))
    beat.close()

    restarted = _Beat(schedule_file)
    restarted.tick()

    assert "connections-keep-alive" in restarted.sent


def test_a_restart_does_not_run_again_a_job_that_already_ran(schedule_file):
    beat = _Beat(schedule_file)
    entry = beat.schedule["connections-health-check"]
    beat.schedule["connections-health-check"] = entry._next_instance(last_run_at=entry.default_now())
    beat.close()

    restarted = _Beat(schedule_file)
    restarted.tick()

    assert "connections-health-check" not in restarted.sent
    is_due, _ = restarted.schedule["connections-health-check"].is_due()
    assert not is_due


def test_the_schedule_file_lives_on_a_volume_in_docker_compose():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    beat = compose["services"]["beat"]
    path = beat["environment"]["CELERY_BEAT_SCHEDULE_FILENAME"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in beat["volumes"]}
    assert any(path.startswith(mount + "/") and name in compose["volumes"] for mount, name in mounts.items())
