"""Every persona of the demo county follows the links it is shown: no server error anywhere, and the anonymous
visitor never meets a resident's phone number (a smoke test over the whole site, all apps together)."""

import re
from collections import deque

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from sanfang.directory.models import Person, Residency

pytestmark = pytest.mark.django_db

SKIP = ("/logout", "/admin/", "/static/", "/media/", ".docx", ".xlsx", "download", "export")
PERSONAS = [
    "admin",
    "county",
    "street",
    "party",
    "office",
    "rc",
    "cparty",
    "oc",
    "company",
    "grid",
    "dept",
    "resident",
    None,
]


def crawl(client: Client, start: list[str], limit: int) -> dict[str, tuple[int, str]]:
    seen: dict[str, tuple[int, str]] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        body = (
            response.content.decode(errors="replace")
            if "text/html" in response.get("Content-Type", "")
            else ""
        )
        seen[url] = (response.status_code, body)
        if response.status_code == 200:
            for href in re.findall(r'href="(/[^"#]*)"', body):
                href = href.replace("&amp;", "&")
                if not any(s in href for s in SKIP) and href not in seen:
                    queue.append(href)
    return seen


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # The demo county is Chinese (its import files have Chinese headers): whatever language an earlier test in
    # this worker left active, load it in the site's language.
    with django_db_blocker.unblock(), translation.override(settings.LANGUAGE_CODE):
        call_command("demo", verbosity=0)
    with django_db_blocker.unblock():
        yield
        call_command("flush", "--noinput", verbosity=0)


@pytest.mark.parametrize("username", PERSONAS)
def test_no_page_reachable_by_a_persona_fails(demo, username):
    client = Client()
    if username:
        client.force_login(
            Person.objects.get(username=username), backend="sanfang.directory.auth.PhoneOrUsernameBackend"
        )
    home = Residency.objects.get(person__username="resident").compound
    pages = crawl(
        client, ["/todos/" if username else "/", f"/b/{home.code}", "/directory/compounds/?q=幸福"], 60
    )
    failures = {url: status for url, (status, _body) in pages.items() if status >= 500}
    assert failures == {}
    assert len(pages) > 3


def test_anonymous_pages_never_show_a_residents_phone(demo):
    phones = list(Residency.objects.values_list("person__phone", flat=True))
    home = Residency.objects.get(person__username="resident").compound
    pages = crawl(
        Client(), ["/", f"/b/{home.code}", f"/cases/report/{home.code}/", "/directory/compounds/?q=幸福"], 80
    )
    leaks = {url for url, (_s, body) in pages.items() for phone in phones if phone and phone in body}
    assert leaks == set()
