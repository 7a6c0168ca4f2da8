"""What the HTTP API does, without HTTP: load the rule set once, validate a request, check a draft.

Kept free of Starlette so it can be imported (and tested) without the
``server`` extra, and so the web layer stays a thin translation of status
codes.  Packs and config are loaded when the service is built, at server
startup: a broken pack stops the server before it listens, instead of
turning every request into a 500.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from factrules._version import __version__
from factrules.api import Options, build_engine, read_document, resolve_config, settings_for
from factrules.engine import Engine, Settings, is_selected
from factrules.errors import FactrulesError, InputError
from factrules.findings import build_report
from factrules.matchers.base import BUDGET_CHARACTERS
from factrules.packs import Pack
from factrules.plugins import Registry, registry
from factrules.selectors import (
    MAX_GLOBS,
    MAX_SELECTOR_LENGTH,
    MAX_SELECTORS,
    SelectorError,
    UnknownSelectorError,
    compile_selection,
    require_known,
)

#: the request's ``format`` names and the reader extension each one asks for
FORMATS = {"text": ".txt", "markdown": ".md", "html": ".html"}
#: the path findings carry: a request's draft is not a file, as with standard input
DRAFT_PATH = "-"
_ENGINE_CACHE_SIZE = 32
#: one selector, as the request schema states it (the limits are ``factrules.selectors``'s)
_SELECTOR = {"type": "string", "minLength": 1, "maxLength": MAX_SELECTOR_LENGTH}


class RequestError(Exception):
    """A request the client must fix: ``status`` is 400 (not JSON) or 422 (JSON, wrong fields)."""

    def __init__(self, status: int, message: str, field_name: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field_name


@dataclass(frozen=True)
class CheckRequest:
    """A validated ``POST /v1/check`` body."""

    text: str
    format: str = "text"
    date: dt.date | None = None
    packs: tuple[str, ...] | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()


@dataclass
class CheckService:
    """The loaded rule set and everything a request may choose from."""

    packs: list[Pack]
    plugins: Registry
    base: Settings
    formats: dict[str, str] = field(default_factory=dict)
    _engines: OrderedDict[tuple[Any, ...], Engine] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _validator: Draft202012Validator | None = None

    @classmethod
    def load(cls, *, rules: tuple[str, ...] = (), config: str | None = None,
             plugins: tuple[str, ...] = (), start: Path | None = None,
             check_budget: float | None = None, max_body: int | None = None) -> CheckService:
        """Load plugins, config and packs now; ``PackError``/``ConfigError`` propagate to the caller.

        ``check_budget``: seconds a check of the largest body (``max_body`` bytes) may take before it
        returns what it has with a ``time-budget`` error (the engine's document budget, which grows with
        the text, is scaled down to it; a config's smaller ``document_timeout`` still wins).
        """
        options = Options(rules=tuple(rules), config=config, plugins=tuple(plugins))
        config_obj = resolve_config(options, start or Path.cwd())
        engine = build_engine(options, config_obj)
        plugin_registry = registry(options.plugins)
        formats = {name: ext for name, ext in FORMATS.items() if ext in plugin_registry.readers}
        base = settings_for(options, config_obj)
        if check_budget is not None:
            scale = max(1.0, (max_body or 0) / BUDGET_CHARACTERS)
            base = dataclasses.replace(base, document_timeout=min(base.document_timeout, check_budget / scale))
        return cls(engine.packs, plugin_registry, base, formats)

    # -- what a client may ask for -------------------------------------------
    @property
    def pack_names(self) -> list[str]:
        return [pack.name for pack in self.packs]

    def request_schema(self) -> dict[str, Any]:
        """JSON Schema of the request body; the OpenAPI document publishes the same object."""
        return {
            "type": "object",
            "title": "CheckRequest",
            "required": ["text"],
            "additionalProperties": False,
            "properties": {
                "text": {"type": "string", "description": "the draft, as typed (code points are what spans count)"},
                "format": {"enum": list(self.formats), "default": "text",
                           "description": "which reader extracts the text to check; spans point into `text`"},
                "date": {"type": ["string", "null"], "format": "date",
                         "description": "the article's date (YYYY-MM-DD) for resolving relative dates"},
                "packs": {"type": ["array", "null"], "items": {"enum": self.pack_names}, "uniqueItems": True,
                          "description": "only rules of these loaded packs (default: all)"},
                "select": {"type": ["array", "null"], "maxItems": MAX_SELECTORS, "items": _SELECTOR,
                           "description": "only rules matching these ids, packs, categories or globs "
                                          f"(at most {MAX_GLOBS} globs)"},
                "ignore": {"type": "array", "maxItems": MAX_SELECTORS, "items": _SELECTOR, "default": [],
                           "description": "turn off rules matching these ids, packs, categories or globs "
                                          f"(at most {MAX_GLOBS} globs)"},
            },
        }

    def rules(self) -> dict[str, Any]:
        """Every loaded rule, enabled or not, for ``GET /v1/rules``."""
        return {
            "packs": [{"name": p.name, "version": p.version, "description": p.description} for p in self.packs],
            "rules": [
                {
                    "id": rule.full_id,
                    "pack": rule.pack,
                    "kind": rule.kind,
                    "category": rule.category,
                    "severity": rule.severity,
                    "enabled": rule.enabled,
                    "description": rule.description,
                }
                for pack in self.packs
                for rule in pack.rules
            ],
        }

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "version": __version__,
            "rules": sum(len(p.rules) for p in self.packs),
            "formats": list(self.formats),
        }

    # -- a request ------------------------------------------------------------
    def parse(self, body: Any) -> CheckRequest:
        """Validate a decoded JSON body against ``request_schema``; 422 names the first wrong field."""
        if self._validator is None:
            self._validator = Draft202012Validator(self.request_schema(),
                                                   format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(self._validator.iter_errors(body), key=lambda e: (list(e.absolute_path), e.message))
        if errors:
            error = errors[0]
            where = ".".join(str(step) for step in error.absolute_path)
            if error.validator == "format" and where == "date":
                message = f"field 'date': {error.instance!r} is not a date (YYYY-MM-DD)"
            elif error.validator in ("maxLength", "maxItems"):  # the message would quote the whole value
                unit = "characters" if error.validator == "maxLength" else "items"
                message = f"field '{where}': longer than {error.validator_value} {unit}"
            elif where:
                message = f"field '{where}': {_short(error.message)}"
            else:
                message = f"request body: {_short(error.message)}"
            return_field = str(error.absolute_path[0]) if error.absolute_path else None
            raise RequestError(422, message, return_field)
        try:
            body["text"].encode("utf-8")
        except UnicodeEncodeError as error:
            raise RequestError(422, f"field 'text': lone surrogate at character {error.start}; send valid Unicode",
                               "text") from None
        date = body.get("date")
        return CheckRequest(
            text=body["text"],
            format=body.get("format") or "text",
            date=dt.date.fromisoformat(date) if date else None,
            packs=tuple(body["packs"]) if body.get("packs") is not None else None,
            select=tuple(body["select"]) if body.get("select") is not None else None,
            ignore=tuple(body.get("ignore") or ()),
        )

    def engine_for(self, request: CheckRequest) -> Engine:
        """An engine for the request's selection, cached (LRU) so a CMS's fixed selection compiles once."""
        key = (request.packs, request.select, request.ignore)
        with self._lock:
            engine = self._engines.get(key)
            if engine is not None:
                self._engines.move_to_end(key)
                return engine
        rules = [rule for pack in self.packs for rule in pack.rules]
        try:  # a typo'd selector would answer 200 with no findings: a check switched off by one letter
            require_known(request.select or (), rules, "field 'select'", "select")
            require_known(request.ignore, rules, "field 'ignore'", "ignore")
            compile_selection(request.select or (), "select")
            compile_selection(request.ignore, "ignore")
        except UnknownSelectorError as error:
            raise RequestError(422, str(error), error.field) from None
        except SelectorError as error:
            raise RequestError(422, str(error), "select") from None
        select = request.select if request.select is not None else self.base.select
        if request.packs is not None:
            chosen = set(request.packs)
            scoped = Settings(select=select, ignore=self.base.ignore + request.ignore, enable=self.base.enable)
            select = tuple(r.full_id for p in self.packs if p.name in chosen for r in p.rules if is_selected(r, scoped))
        settings = Settings(
            select=select,
            ignore=self.base.ignore + request.ignore,
            enable=self.base.enable,
            severity=self.base.severity,
            date=None,
            default_date=self.base.default_date,
            timeout=self.base.timeout,
            document_timeout=self.base.document_timeout,
        )
        engine = Engine(self.packs, self.plugins, settings)
        with self._lock:
            self._engines[key] = engine
            while len(self._engines) > _ENGINE_CACHE_SIZE:
                self._engines.popitem(last=False)
        return engine

    def check(self, request: CheckRequest) -> dict[str, Any]:
        """Check one draft and return the report the CLI's ``--format json`` would print for it."""
        try:
            engine = self.engine_for(request)
        except SelectorError as error:  # past a limit the schema cannot state (globs per list): the client's to fix
            where = str(error).partition(":")[0]
            name = where if where in ("select", "ignore") else "select"
            raise RequestError(422, f"field '{name}': {str(error).partition(': ')[2] or error}", name) from None
        if not request.text.strip():
            message = f"{DRAFT_PATH}: empty draft, nothing to check"
            errors = [{"path": DRAFT_PATH, "kind": "empty-file", "severity": "info", "message": message}]
            return build_report([], errors, 1)
        try:
            document = read_document(_encode(request.text), DRAFT_PATH, self.plugins, self.formats[request.format])
        except InputError as error:
            detail = str(error).removeprefix(f"{DRAFT_PATH}: ")
            raise RequestError(422, f"field 'text' cannot be read as {request.format}: {detail}", "text") from None
        except FactrulesError as error:
            raise RequestError(422, str(error), "format") from None
        if request.date is not None:
            document.metadata["date"] = request.date  # like --date: wins over front matter
        findings, errors = engine.check(document)
        return build_report(findings, errors, 1)


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


def _encode(text: str) -> bytes:
    """The bytes a reader expects, such that spans still count code points of ``text`` as sent.

    Readers decode with ``utf-8-sig``, which drops one leading BOM: a draft
    that itself starts with U+FEFF gets a second one so its own survives.
    NUL is replaced by U+FFFD (one code point, so no offset moves): the NUL
    sniffing that refuses binary *files* means nothing for a JSON string.
    """
    data = text.replace("\x00", "\ufffd").encode("utf-8")
    return b"\xef\xbb\xbf" + data if text.startswith("\ufeff") else data


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."
