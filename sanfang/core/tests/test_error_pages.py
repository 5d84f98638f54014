"""Issue 8 item 5: every error page (400/403/404/405/413/429/500, and a CSRF failure) says in Chinese what
happened and what to do; the API keeps its JSON errors. 503 and 507: tests/reliability/test_faults.py (issue 10.5)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from sanfang.core import errors_views
from sanfang.core.ratelimit import RateLimited

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_400_a_malformed_request_says_nothing_was_saved_and_to_check_and_resubmit(client):
    response = client.get("/login/", HTTP_HOST="bad host!")
    assert response.status_code == 400
    assert "请求有误" in _text(response) and "重新提交" in _text(response)


def test_403_says_the_account_has_no_permission_and_whom_to_ask(client, world, login):
    response = login(world.resident).get("/cases/")
    assert response.status_code == 403
    assert "没有权限" in _text(response) and "联系所在组织的管理员" in _text(response)


def test_404_says_the_page_does_not_exist_and_links_home(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in _text(response) and 'href="/"' in _text(response)


def test_405_opening_a_form_only_address_explains_to_use_the_page_buttons(client):
    response = client.get("/preferences/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "不能这样打开此页面" in _text(response) and "通过页面上的按钮操作" in _text(response)


def test_413_an_over_large_submission_says_to_shrink_the_photos(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/login/", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "上传的内容太大" in _text(response) and "压缩照片" in _text(response)


def _request(path="/cases/report/X/"):
    request = RequestFactory().post(path)
    request.user = AnonymousUser()
    request.session = {}
    return request


def test_429_an_uncaught_rate_limit_is_a_chinese_429_page_not_a_crash():
    middleware = errors_views.ErrorPagesMiddleware(lambda r: None)
    response = middleware.process_exception(_request(), RateLimited("操作太频繁，请稍后再试。"))
    assert response.status_code == 429
    assert "操作太频繁" in _text(response) and "请过一会儿再试" in _text(response)


def test_500_says_nothing_was_half_saved_and_to_try_again_later():
    response = errors_views.server_error(_request())
    assert response.status_code == 500
    assert "系统出错了" in _text(response) and "要么全部保存" in _text(response)


def test_the_api_keeps_its_own_json_errors():
    middleware = errors_views.ErrorPagesMiddleware(lambda r: None)
    assert middleware.process_exception(_request("/api/cases/"), RateLimited("操作太频繁")) is None


def test_csrf_failure_says_the_page_expired_in_chinese_not_djangos_english():
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "页面已过期" in _text(response) and "verification failed" not in _text(response)
