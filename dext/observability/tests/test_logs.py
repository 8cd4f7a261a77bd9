"""Every log line is one JSON object carrying the request id, user and business of the
request (and the task id inside a Celery task); secrets are redacted."""

import logging

import pytest
import structlog
from celery import shared_task
from django.urls import reverse
from django_structlog.celery.receivers import CeleryReceiver

from dext.observability.testing import CapturedLogs

pytestmark = pytest.mark.django_db


def test_each_request_line_names_the_request_user_and_business(admin_client, admin_user, business):
    with CapturedLogs() as logs:
        admin_client.get(reverse("team:index"))

    lines = logs.lines()
    finished = next(line for line in lines if line["event"] == "request_finished")
    assert finished["request_id"]
    assert finished["user_id"] == admin_user.pk
    assert finished["business_id"] == business.pk
    assert finished["code"] == 200
    assert {"timestamp", "level", "logger"} <= set(finished)
    # Every line of that request shares its id.
    assert {line["request_id"] for line in lines if "request_id" in line} == {finished["request_id"]}


def test_standard_library_loggers_get_the_same_fields(admin_client, business):
    def view_logs(request, logger, log_kwargs, **kwargs):
        logging.getLogger("dext.example").info("Something happened to %s", "the inbox")

    from django_structlog import signals

    signals.bind_extra_request_finished_metadata.connect(view_logs)
    try:
        with CapturedLogs() as logs:
            admin_client.get(reverse("items:inbox"))
    finally:
        signals.bind_extra_request_finished_metadata.disconnect(view_logs)

    line = next(line for line in logs.lines() if line["logger"] == "dext.example")
    assert line["event"] == "Something happened to the inbox"
    assert line["business_id"] == business.pk and line["request_id"]


@shared_task(name="tests.logs_something")
def _logs_something():
    logging.getLogger("dext.example").warning("inside a task")


def test_task_lines_carry_the_task_id():
    receiver = CeleryReceiver()
    receiver.connect_worker_signals()  # what the worker's boot step does
    try:
        with CapturedLogs() as logs:
            result = _logs_something.apply()
    finally:
        from celery import signals as celery_signals

        for signal, handler in [(celery_signals.task_prerun, receiver.receiver_task_prerun),
                                (celery_signals.task_success, receiver.receiver_task_success),
                                (celery_signals.task_failure, receiver.receiver_task_failure),
                                (celery_signals.task_retry, receiver.receiver_task_retry),
                                (celery_signals.before_task_publish, receiver.receiver_before_task_publish),
                                (celery_signals.after_task_publish, receiver.receiver_after_task_publish)]:
            signal.disconnect(handler)
        structlog.contextvars.clear_contextvars()

    line = next(line for line in logs.lines() if line["event"] == "inside a task")
    assert line["task_id"] == result.id


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("Authorization: Bearer abcdefghijklmnop1234", "abcdefghijklmnop1234"),
        ("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl in a message", "eyJhbGciOiJSUzI1NiJ9"),
        ("GET /callback/?code=4f3e2d1c&state=zyxw", "4f3e2d1c"),
        ("POST body refresh_token=r-123456789&grant_type=refresh_token", "r-123456789"),
    ],
)
def test_secrets_in_messages_are_redacted(message, secret):
    with CapturedLogs() as logs:
        logging.getLogger("dext.example").info(message)

    assert secret not in logs.text
    assert "[redacted]" in logs.text


def test_secret_fields_are_redacted():
    with CapturedLogs() as logs:
        logging.getLogger("dext.example").info("refreshed", extra={"refresh_token": "r-987654321", "tenant": "Demo"})

    line = logs.lines()[-1]
    assert line["refresh_token"] == "[redacted]"
    assert line["tenant"] == "Demo"


def test_a_request_object_in_a_log_line_does_not_carry_its_query_string(client, admin_user):
    """django.request logs a refused callback with the request itself; its text has the
    OAuth code in the query string."""
    client.force_login(admin_user)
    with CapturedLogs() as logs:
        client.get(reverse("connections:xero_callback"), {"code": "c0de-4-secret", "state": "forged"})

    assert any(line["logger"] == "django.request" for line in logs.lines())
    assert "c0de-4-secret" not in logs.text
