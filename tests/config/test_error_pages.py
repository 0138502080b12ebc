"""Error pages in the site's look and the visitor's language, with a way back.

Rendered as in production (DEBUG off). The 500 page needs neither the database nor
a request: it is what people see when the database is down.
"""

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse
from django.utils import translation
from django.views.defaults import server_error

from config.urls import urlpatterns as site_patterns


def _boom(request):
    raise RuntimeError("database on fire")


def _bad(request):
    raise BadRequest("nonsense")


def _forbidden(request):
    raise PermissionDenied


def _missing(request):
    raise Http404


urlpatterns = [
    path("boom/", _boom),
    path("bad/", _bad),
    path("forbidden/", _forbidden),
    path("missing/", _missing),
    *site_patterns,
]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls(__name__),
]


@pytest.fixture
def client():
    # A 500 page is what a visitor gets: the exception is not raised into the test.
    with override_settings(DEBUG=False):
        yield Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/bad/", 400, "请求有误"),
        ("/forbidden/", 403, "您没有权限查看这个页面"),
        ("/missing/", 404, "找不到这个页面"),
        ("/no-such-page/", 404, "找不到这个页面"),
        ("/boom/", 500, "系统出了点问题"),
    ],
)
def test_error_pages_are_in_chinese_with_a_way_back(client, url, status, heading):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert f"错误代码 {status}" in html
    assert 'lang="zh-CN"' in html
    assert f'href="{reverse("home")}"' in html  # the way back
    assert "css/app.css" in html  # the site's look, not Django's bare page
    assert "<h1>Server Error" not in html and "Forbidden</h1>" not in html


def test_error_pages_follow_the_visitors_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert "This page does not exist" in response.content.decode()
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Something went wrong on our side" in response.content.decode()


def test_500_page_renders_without_the_database(django_db_blocker):
    request = RequestFactory().get("/")
    # The language is the one LocaleMiddleware chose before the error.
    with translation.override("zh-hans"), django_db_blocker.block():
        response = server_error(request)  # any query would raise
    assert response.status_code == 500
    assert "系统出了点问题" in response.content.decode()


def test_403_for_another_community_offers_its_public_page(
    client, community, other_staff_user
):
    client.force_login(other_staff_user)
    response = client.get(
        reverse("residents:resident_list", args=[community.slug]),
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "您的账号不能查看汀塘社区的这个页面" in html
    assert reverse("residents:community_public", args=[community.slug]) in html
    # The menu is the visitor's own community's, not the forbidden one's.
    assert reverse("residents:resident_list", args=["dongqiao"]) in html


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content).startswith(b"\x00\x00\x01\x00")
