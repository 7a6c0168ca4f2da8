"""The OpenAPI 3.1 document of the HTTP API, built from the published JSON Schemas.

The report and finding schemas are copied in from ``schemas/`` (their
``$ref``s rewritten to ``#/components/schemas/...``), so the API can never
drift from what ``factrules check --format json`` prints.  The document
describes *this* server: the request's ``format`` and ``packs`` enums list
what it loaded, and the bearer scheme appears only when a token is set.
"""

from __future__ import annotations

import copy
from typing import Any

from factrules._version import __version__
from factrules.resources import load_schema
from factrules.server.check import CheckService

_REFS = {
    "finding.schema.json": "#/components/schemas/Finding",
    "report.schema.json": "#/components/schemas/Report",
    "#/$defs/position": "#/components/schemas/Position",
}


def _rewrite_refs(node: Any) -> Any:
    """Copy a schema, pointing its ``$ref``s at components and dropping ``$schema``/``$id``/``$defs``."""
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            if key in ("$schema", "$id", "$defs"):
                continue
            result[key] = _REFS.get(value, value) if key == "$ref" else _rewrite_refs(value)
        return result
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def _error(description: str) -> dict[str, Any]:
    return _json("#/components/schemas/Error", description)


def component_schemas(service: CheckService) -> dict[str, Any]:
    finding = load_schema("finding")
    rule = {
        "type": "object",
        "required": ["id", "pack", "kind", "category", "severity", "enabled", "description"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "description": "<pack>.<rule-id>, as in findings' `rule`"},
            "pack": {"type": "string"},
            "kind": {"type": "string", "description": "matcher kind: phrase, pattern, near, ..."},
            "category": {"type": "string"},
            "severity": {"enum": ["info", "warning", "error"]},
            "enabled": {"type": "boolean", "description": "false: off unless selected by id"},
            "description": {"type": "string"},
        },
    }
    return {
        "CheckRequest": service.request_schema(),
        "Report": _rewrite_refs(load_schema("report")),
        "Finding": _rewrite_refs(finding),
        "Position": _rewrite_refs(finding["$defs"]["position"]),
        "Rule": rule,
        "RuleList": {
            "type": "object",
            "required": ["packs", "rules"],
            "additionalProperties": False,
            "properties": {
                "packs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "version", "description"],
                        "additionalProperties": False,
                        "properties": {"name": {"type": "string"}, "version": {"type": "string"},
                                       "description": {"type": "string"}},
                    },
                },
                "rules": {"type": "array", "items": {"$ref": "#/components/schemas/Rule"}},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status", "version", "rules", "formats"],
            "additionalProperties": False,
            "properties": {
                "status": {"const": "ok"},
                "version": {"type": "string"},
                "rules": {"type": "integer", "minimum": 0, "description": "rules loaded"},
                "formats": {"type": "array", "items": {"type": "string"},
                            "description": "values `format` accepts on this server"},
            },
        },
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "additionalProperties": False,
            "properties": {
                "error": {"type": "string", "description": "short code: bad-request, invalid-request, ..."},
                "message": {"type": "string", "description": "one line for a human"},
                "field": {"type": "string", "description": "the request field at fault, for 422"},
            },
        },
    }


def openapi_document(service: CheckService, *, token_required: bool, max_body: int) -> dict[str, Any]:
    """The OpenAPI 3.1 document served at ``/openapi.json``."""
    protected: dict[str, Any] = {"401": _error("missing or wrong `Authorization: Bearer <token>`")} \
        if token_required else {}
    if not token_required:  # no token: the Host check (DNS rebinding) guards every path instead
        protected = {"403": _error("the `Host` header names neither localhost, an IP address nor an "
                                   "`--allow-host` name")}
    security = [{"bearer": []}] if token_required else []
    check = {
        "operationId": "check",
        "summary": "Check a draft and return the report `factrules check --format json` prints",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckRequest"}}},
        },
        "responses": {
            "200": _json("#/components/schemas/Report", "the report; `errors` holds rule timeouts and the like"),
            "400": _error("the body is not JSON"),
            **protected,
            "413": _error(f"the body is larger than {max_body} bytes"),
            "415": _error("the body is not sent as `Content-Type: application/json`"),
            "422": _error("JSON, but a field is missing, unknown or of the wrong type, a selector names no rule, "
                          "or a selector list is past its limits"),
            "503": _error("not checked in time: every worker stayed busy, or the check ran past the "
                          "server's deadline (`Retry-After` says when to try again)"),
        },
    }
    rules = {
        "operationId": "listRules",
        "summary": "Every loaded rule, on by default or not",
        "responses": {"200": _json("#/components/schemas/RuleList", "packs and rules"), **protected},
    }
    if security:
        check["security"] = security
        rules["security"] = security
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "factrules HTTP API",
            "version": __version__,
            "description": "A fact-check linter for news drafts. See docs/server.md.",
        },
        "paths": {
            "/v1/check": {"post": check},
            "/v1/rules": {"get": rules},
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness: the rule set is loaded and the server answers",
                    "responses": {"200": _json("#/components/schemas/Health", "alive"),
                                  **({} if token_required else protected)},
                }
            },
            "/": {
                "get": {
                    "operationId": "playground",
                    "summary": "The browser playground",
                    "responses": {"200": {"description": "HTML page", "content": {"text/html": {"schema": {
                        "type": "string"}}}}, **({} if token_required else protected)},
                }
            },
        },
        "components": {"schemas": component_schemas(service)},
    }
    if token_required:
        document["components"]["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer", "description": "the server's FACTRULES_TOKEN"}
        }
    return copy.deepcopy(document)
