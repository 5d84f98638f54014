"""Every route of the site, read from the URL configuration and the OpenAPI document (nothing listed by hand).

`html_routes()` walks `get_resolver()` recursively (every include, every app-mounted pattern) and
`api_operations()` reads every path × method of `/api/v1/openapi.json`. The permission matrix and the bad-input
tests iterate over these, so a route added tomorrow is probed tomorrow, or fails for want of a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver

# Django's own admin is one route class of its own (superusers only), so its ~300 generated routes are
# identified by their namespace; the API's patterns are identified by their OpenAPI operation instead.
ADMIN_NAMESPACE = "admin"
API_NAMESPACE = "api"


@dataclass(frozen=True)
class HtmlRoute:
    key: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str  # the pattern as written, e.g. "cases/<int:pk>/<str:action>/"
    params: tuple[str, ...]

    def url(self, values: dict[str, object]) -> str:
        def sub(match: re.Match) -> str:
            return str(values[match.group(2)])

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, self.route)


@dataclass(frozen=True)
class ApiOperation:
    key: str  # the OpenAPI operationId
    method: str  # upper case
    path: str  # "/api/v1/cases/{pk}"
    params: tuple[str, ...]
    has_body: bool
    secured: bool

    def url(self, values: dict[str, object]) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), self.path)


def _walk(resolver: URLResolver, prefix: str, namespace: str | None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield route, name, namespace


@cache
def all_patterns() -> tuple[tuple[str, str | None, str | None], ...]:
    """(route, name, namespace) of every pattern the URL configuration resolves, includes expanded."""
    return tuple(_walk(get_resolver(), "", None))


@cache
def html_routes() -> tuple[HtmlRoute, ...]:
    out = []
    for route, name, namespace in all_patterns():
        top = (namespace or "").split(":")[0]
        if top in (ADMIN_NAMESPACE, API_NAMESPACE):
            continue
        params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
        out.append(HtmlRoute(key=name or route, route=route, params=params))
    return tuple(out)


@cache
def admin_routes() -> tuple[str, ...]:
    return tuple(route for route, _name, ns in all_patterns() if (ns or "").split(":")[0] == ADMIN_NAMESPACE)


@cache
def api_patterns() -> tuple[tuple[str, str | None], ...]:
    return tuple(
        (route, name) for route, name, ns in all_patterns() if (ns or "").split(":")[0] == API_NAMESPACE
    )


@cache
def openapi() -> dict:
    from sanfang.api import api

    return api.get_openapi_schema()


@cache
def api_operations() -> tuple[ApiOperation, ...]:
    out = []
    for path, operations in openapi()["paths"].items():
        for method, op in operations.items():
            params = tuple(p["name"] for p in op.get("parameters", []) if p["in"] == "path")
            out.append(
                ApiOperation(
                    key=op["operationId"],
                    method=method.upper(),
                    path=path,
                    params=params,
                    has_body=bool(op.get("requestBody")),
                    secured=bool(op.get("security")),
                )
            )
    return tuple(out)
