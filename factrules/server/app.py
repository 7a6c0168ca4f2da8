"""The HTTP API and the browser playground (``factrules serve``), on Starlette.

Only the web layer lives here: status codes, auth, body limit, CORS and the
static playground.  What a request means is ``server_check.CheckService``;
the OpenAPI document is ``server_openapi``.  The draft check is CPU work, so
it runs in a worker thread (the event loop keeps answering ``/healthz``),
one check at a time: matchers need not be thread-safe.
"""

from __future__ import annotations

import hmac
import json
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from factrules.server.check import CheckService, RequestError
from factrules.server.openapi import openapi_document

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATIC_DIR = Path(__file__).resolve().parent / "static"
DEFAULT_MAX_BODY = 2 * 1024 * 1024
#: paths anyone may GET even when a token is set: the playground shell, liveness, the API description
PUBLIC_PATHS = frozenset({"/", "/healthz", "/openapi.json"})
PUBLIC_PREFIXES = ("/static/",)
#: the playground's page may load only its own script, style and API
PLAYGROUND_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class ServerSettings:
    """What ``factrules serve`` was told: token (``None``: open), body limit, CORS origins."""

    token: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    cors_origins: tuple[str, ...] = ()


def error_response(status: int, code: str, message: str, *, field: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": code, "message": message}
    if field:
        body["field"] = field
    return JSONResponse(body, status_code=status, headers=headers)


class BearerAuth:
    """Refuse every non-public request without ``Authorization: Bearer <token>`` (constant-time compare)."""

    def __init__(self, app: ASGIApp, token: str):
        self.app = app
        self.token = token.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _is_public(scope):
            await self.app(scope, receive, send)
            return
        scheme, _, value = Headers(scope=scope).get("authorization", "").partition(" ")
        given = value.strip().encode("utf-8", "surrogateescape")
        if scheme.lower() == "bearer" and hmac.compare_digest(given, self.token):
            await self.app(scope, receive, send)
            return
        response = error_response(401, "unauthorized", "send the server's token as 'Authorization: Bearer <token>'",
                                  headers={"WWW-Authenticate": 'Bearer realm="factrules"'})
        await response(scope, receive, send)


def _is_public(scope: Scope) -> bool:
    path = scope.get("path", "")
    return scope.get("method") in ("GET", "HEAD") and (path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES))


class BodyLimit:
    """413 for bodies over ``limit`` bytes: by ``Content-Length`` up front, else while reading the stream.

    The body is read here (at most ``limit`` bytes are ever buffered) and
    replayed to the app, so a chunked upload cannot get past the limit.
    """

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await error_response(400, "bad-request", "Content-Length is not a number")(scope, receive, send)
                return
            if int(declared) > self.limit:
                await self._too_large(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, "too-large", f"request body over the limit of {self.limit} bytes",
                                  headers={"Connection": "close"})
        await response(scope, receive, send)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(body: bytes) -> Any:
    """Decode a request body as strict JSON (no NaN/Infinity); ``RequestError(400)`` when it is not."""
    if not body.strip():
        raise RequestError(400, "empty body: send a JSON object like {\"text\": \"...\"}")
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except UnicodeDecodeError as error:
        raise RequestError(400, f"body is not UTF-8 JSON (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise RequestError(400, f"malformed JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except (ValueError, RecursionError) as error:
        raise RequestError(400, f"malformed JSON: {error}") from None


def create_app(service: CheckService, settings: ServerSettings | None = None) -> Starlette:
    """The ASGI application for a loaded ``service``."""
    settings = settings or ServerSettings()
    check_lock = threading.Lock()
    openapi = openapi_document(service, token_required=bool(settings.token), max_body=settings.max_body)

    def run_check(body: Any) -> dict[str, Any]:
        request = service.parse(body)
        with check_lock:
            return service.check(request)

    async def check(request: Request) -> Response:
        try:
            body = parse_json(await request.body())
            report = await run_in_threadpool(run_check, body)
        except RequestError as error:
            code = "bad-request" if error.status == 400 else "invalid-request"
            return error_response(error.status, code, error.message, field=error.field)
        return JSONResponse(report)

    async def rules(request: Request) -> Response:
        return JSONResponse(service.rules())

    async def health(request: Request) -> Response:
        return JSONResponse(service.health())

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi)

    async def playground(request: Request) -> Response:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html", headers=PLAYGROUND_HEADERS)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)

    middleware = []
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"],
                                     max_age=600))
    if settings.token:
        middleware.append(Middleware(BearerAuth, token=settings.token))
    middleware.append(Middleware(BodyLimit, limit=settings.max_body))
    routes = [
        Route("/v1/check", check, methods=["POST"]),
        Route("/v1/rules", rules, methods=["GET"]),
        Route("/healthz", health, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/", playground, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    return Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: http_error})
