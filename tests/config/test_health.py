import pytest
from django.core.cache import caches
from django.test import override_settings

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_reports_every_dependency_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == body["cache"] == body["broker"] == "ok"


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }
)
def test_healthz_answers_503_naming_the_cache_when_it_is_down(client):
    try:
        response = client.get("/healthz")
    finally:
        caches["default"].close()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["cache"] == "error"
    assert body["database"] == "ok"


def test_healthz_answers_503_naming_the_broker_when_it_is_down(client):
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = DEAD_REDIS
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = previous
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["cache"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_healthz_keeps_the_error_text_for_the_log(client, monkeypatch, caplog):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise ConnectionError('could not connect to "db.internal" port 5432')

    monkeypatch.setattr(connection, "cursor", refuse)
    with caplog.at_level("ERROR", logger="config.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert b"db.internal" not in response.content
    assert b"ConnectionError" not in response.content
    (record,) = [r for r in caplog.records if r.name == "config.health"]
    assert "database" in record.getMessage()
    assert 'ConnectionError: could not connect to "db.internal"' in record.getMessage()


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }
)
def test_healthz_does_not_show_the_cache_address(client):
    try:
        response = client.get("/healthz")
    finally:
        caches["default"].close()
    assert response.json()["cache"] == "error"
    assert b"127.0.0.1" not in response.content
