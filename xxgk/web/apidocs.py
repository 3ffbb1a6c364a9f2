"""The OpenAPI page, drawn on the server from ``app.openapi()``.

FastAPI's own docs pages load Swagger UI / ReDoc from a CDN, which a machine without internet cannot reach;
this page lists the same endpoints, parameters and responses as plain HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass
class Param:
    name: str
    where: str  # query / path / form
    required: bool
    type: str
    description: str


@dataclass
class Endpoint:
    method: str
    path: str
    anchor: str
    summary: str
    params: list[Param]
    responses: list[str]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not ref:
        return schema
    node: Any = spec
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part, {})
    return node if isinstance(node, dict) else {}


def _type(spec: dict[str, Any], schema: dict[str, Any]) -> str:
    schema = _resolve(spec, schema)
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " | ".join(_type(spec, s) for s in schema["anyOf"])
    if schema.get("format") == "binary" or schema.get("contentMediaType") == "application/octet-stream":
        return "file"
    return str(schema.get("type", ""))


def endpoints(spec: dict[str, Any]) -> list[Endpoint]:
    out: list[Endpoint] = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            params = [
                Param(
                    name=p["name"],
                    where=p.get("in", ""),
                    required=bool(p.get("required")),
                    type=_type(spec, p.get("schema", {})),
                    description=p.get("description") or p.get("schema", {}).get("description", ""),
                )
                for p in op.get("parameters", [])
            ]
            for content_type, body in op.get("requestBody", {}).get("content", {}).items():
                schema = _resolve(spec, body.get("schema", {}))
                required = set(schema.get("required", []))
                for name, prop in schema.get("properties", {}).items():
                    params.append(
                        Param(
                            name=name,
                            where="form" if "form" in content_type else "body",
                            required=name in required,
                            type=_type(spec, prop),
                            description=prop.get("description", ""),
                        )
                    )
            responses = [
                f"{status} {ct}"
                for status, r in op.get("responses", {}).items()
                for ct in (r.get("content") or {"": None})
            ]
            out.append(
                Endpoint(
                    method=method,
                    path=path,
                    anchor=re.sub(r"[^a-z0-9]+", "-", f"{method}{path}".lower()).strip("-"),
                    summary=op.get("summary", ""),
                    params=params,
                    responses=responses,
                )
            )
    return out
