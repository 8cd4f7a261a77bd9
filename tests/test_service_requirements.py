import pytest

from dext.testing import require_service


def test_missing_service_skips_the_test_on_a_developer_machine(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium unavailable"):
        require_service("chromium")


def test_missing_service_fails_the_test_in_ci(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium is required in CI"):
        require_service("chromium")


def test_unknown_service_name_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown service"):
        require_service("mongodb")
