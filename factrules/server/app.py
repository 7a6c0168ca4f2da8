"""The HTTP API and the browser playground (``factrules serve``), on Starlette.

Only the web layer lives here: status codes, auth, the ``Host`` check, body
limit, media type, CORS and the static playground.  What a request means is
``server.check.CheckService``; the OpenAPI document is ``server.openapi``.
The draft check is CPU work, so it runs elsewhere: ``serve`` hands each body
to a pool of worker processes (``server.pool.CheckPool``) and this process
only moves bytes, so ``/healthz`` answers while every worker is busy.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from factrules.server.check import CheckService
from factrules.server.openapi import openapi_document
from factrules.server.pool import InlineChecker, PoolUnavailable

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
    #: host names (beyond localhost and IP literals) a tokenless server answers to
    allowed_hosts: tuple[str, ...] = ()


class Checker(Protocol):
    """What runs a check: ``CheckPool`` for ``serve``, ``InlineChecker`` when embedded."""

    async def submit(self, body: bytes) -> tuple[int, bytes]: ...


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


class HostGuard:
    """Without a token, answer only requests addressed to this machine (no DNS rebinding).

    A web page on ``evil.example`` whose name is rebound to 127.0.0.1 sends
    ``Host: evil.example``; it is refused (403). Allowed: ``localhost``, any
    IP literal (a rebinding needs a name), and the names given with
    ``--allow-host``. A request without ``Host`` (HTTP/1.0) comes from no browser.
    """

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...] = ()):
        self.app = app
        self.allowed = frozenset({"localhost", *(name.lower().rstrip(".") for name in allowed)})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host")
        if host is None or self.allows(host):
            await self.app(scope, receive, send)
            return
        shown = host if len(host) <= 80 else host[:77] + "..."
        response = error_response(403, "host-not-allowed",
                                  f"Host '{shown}' is not allowed: set FACTRULES_TOKEN or start the server "
                                  "with --allow-host NAME", headers={"Connection": "close"})
        await response(scope, receive, send)

    def allows(self, host: str) -> bool:
        name = host.strip().lower()
        if name.startswith("["):
            name = name[1:].partition("]")[0]
        elif name.count(":") == 1:
            name = name.partition(":")[0]
        name = name.rstrip(".")
        if name in self.allowed:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True


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


def is_json(content_type: str | None) -> bool:
    """``application/json``, with or without parameters (``; charset=utf-8``)."""
    return (content_type or "").partition(";")[0].strip().lower() == "application/json"


def create_app(service: CheckService, settings: ServerSettings | None = None,
               checker: Checker | None = None) -> Starlette:
    """The ASGI application for a loaded ``service``; ``checker`` runs the checks (default: in this process)."""
    settings = settings or ServerSettings()
    runner: Checker = checker or InlineChecker(service)
    openapi = openapi_document(service, token_required=bool(settings.token), max_body=settings.max_body)

    async def check(request: Request) -> Response:
        # a form or text/plain body is a "simple" request a web page may send without a CORS preflight
        if not is_json(request.headers.get("content-type")):
            return error_response(415, "unsupported-media-type", "send the body as Content-Type: application/json")
        try:
            status, payload = await runner.submit(await request.body())
        except PoolUnavailable as error:
            return error_response(503, "unavailable", str(error), headers={"Retry-After": "5"})
        return Response(payload, status_code=status, media_type="application/json")

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
    else:
        middleware.append(Middleware(HostGuard, allowed=settings.allowed_hosts))
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
