"""Starting a refresh: one at a time per business, and a dead worker's refresh is replaced."""

import pytest
from django.utils import timezone

from lists import services
from lists.models import ListRefresh


def test_second_request_while_a_refresh_is_queued_returns_the_same_refresh(
    business, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as first_callbacks:
        first = services.refresh_start(business=business, acting_user=admin_user)
    with django_capture_on_commit_callbacks() as second_callbacks:
        second = services.refresh_start(business=business, acting_user=admin_user, lists=["contacts"])

    assert second.pk == first.pk
    assert ListRefresh.objects.filter(business=business).count() == 1
    assert len(first_callbacks) == 1  # the task is queued once, after commit
    assert second_callbacks == []
    assert first.lists == services.ALL_GROUPS
    assert first.status == ListRefresh.Status.QUEUED


def test_refresh_whose_worker_died_is_replaced(business, django_capture_on_commit_callbacks):
    stale = ListRefresh.objects.create(
        business=business,
        status=ListRefresh.Status.RUNNING,
        heartbeat_at=timezone.now() - services.REFRESH_STALE_AFTER - timezone.timedelta(seconds=1),
    )

    with django_capture_on_commit_callbacks():
        fresh = services.refresh_start(business=business, lists=["tracking"])

    stale.refresh_from_db()
    assert fresh.pk != stale.pk
    assert fresh.lists == ["tracking"]
    assert stale.status == ListRefresh.Status.FAILED
    assert stale.error_code == services.WORKER_LOST_CODE


def test_refreshes_of_different_businesses_do_not_block_each_other(
    business, other_business, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        ours = services.refresh_start(business=business)
        theirs = services.refresh_start(business=other_business)

    assert ours.pk != theirs.pk


def test_a_finished_refresh_does_not_block_a_new_one(business, django_capture_on_commit_callbacks):
    ListRefresh.objects.create(business=business, status=ListRefresh.Status.SUCCEEDED, heartbeat_at=timezone.now())

    with django_capture_on_commit_callbacks():
        refresh = services.refresh_start(business=business)

    assert refresh.status == ListRefresh.Status.QUEUED
    assert ListRefresh.objects.filter(business=business).count() == 2


def test_unknown_list_is_refused(business):
    with pytest.raises(services.UnknownListError):
        services.refresh_start(business=business, lists=["invoices"])


def test_refresh_without_a_xero_connection_fails_with_what_to_do(business):
    refresh = ListRefresh.objects.create(business=business, heartbeat_at=timezone.now())

    result = services.refresh_run(refresh_id=refresh.pk)

    assert result.status == ListRefresh.Status.FAILED
    assert result.error_code == "not_connected"
    assert "Business Settings → Connections" in result.error_message


def test_running_a_refresh_that_is_not_queued_changes_nothing(business):
    done = ListRefresh.objects.create(business=business, status=ListRefresh.Status.SUCCEEDED)

    result = services.refresh_run(refresh_id=done.pk)

    assert result.status == ListRefresh.Status.SUCCEEDED
    assert result.started_at is None


def test_scheduled_refresh_starts_one_refresh_per_connected_business(
    business, other_business, django_capture_on_commit_callbacks
):
    from connections.models import ConnectionStatus, XeroConnection

    XeroConnection.objects.create(business=business, tenant_id="t-1", tenant_name="Demo Company (UK)")
    XeroConnection.objects.create(
        business=other_business, tenant_id="t-2", tenant_name="Other", status=ConnectionStatus.NEEDS_RECONNECT
    )

    with django_capture_on_commit_callbacks() as callbacks:
        started = services.refresh_start_for_connected_businesses()

    assert [refresh.business for refresh in started] == [business]
    assert started[0].reason == "schedule"
    assert len(callbacks) == 1
