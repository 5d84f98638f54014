"""A plausible minimal request body for an API operation, built from its OpenAPI schema.

The matrix sends it so that a write is refused for want of permission, not merely for a malformed body: a
refusal that happened in the validator would prove nothing about who may change what.
"""

from __future__ import annotations

from .routes import openapi

TEXT = "矩阵探测：请勿处理"  # long enough for "at least four characters" rules


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = openapi()["components"]["schemas"][name]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0])
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _resolve(options[0]) if options else {"type": "null"}
    return schema


# Reference fields point at the first row of their table, whatever the database's id sequences say (PostgreSQL
# does not rewind them between tests, so a literal 1 would name nothing there and every probe would be a 404).
PERSON_FIELDS = {"person_id", "convener_id"}
ORGANISATION_FIELDS = {"to_org_id", "owner_id", "organisation_id", "sender_org_id", "reporting_org_id"}


def _first_pk(name: str) -> int | None:
    from sanfang.directory.models import Organisation, Person

    model = Person if name in PERSON_FIELDS else Organisation if name in ORGANISATION_FIELDS else None
    if model is None:
        return None
    return model.objects.order_by("pk").values_list("pk", flat=True).first()


def example(schema: dict, depth: int = 0, name: str = ""):
    if name and (pk := _first_pk(name)) is not None:
        return pk
    schema = _resolve(schema)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 3:
            return {}
        required = schema.get("required", [])
        return {
            name: example(sub, depth + 1, name)
            for name, sub in schema.get("properties", {}).items()
            if name in required
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-12-11"
    if schema.get("format") == "date-time":
        return "2026-12-11T10:00:00+08:00"
    return TEXT


def request_kwargs(operation) -> dict:
    """Keyword arguments for `Client.generic`/`post` carrying the operation's minimal body."""
    path_item = openapi()["paths"][operation.path][operation.method.lower()]
    body = path_item.get("requestBody")
    if not body:
        return {}
    content = body["content"]
    if "application/json" in content:
        import json

        return {
            "data": json.dumps(example(content["application/json"]["schema"])),
            "content_type": "application/json",
        }
    schema = next(iter(content.values()))["schema"]
    data = {k: v for k, v in example(schema).items() if not isinstance(v, list | dict)}
    return {"data": data}
