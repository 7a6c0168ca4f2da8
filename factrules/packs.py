"""Rule packs: safe YAML loading with line numbers, schema validation, compilation.

Every failure becomes a ``PackError`` whose one-line message names the file,
the line and the rule (all of a file's problems at once: ``PackErrors``),
because the person reading it is a rule-pack author with a YAML file open,
not a Python developer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from factrules import rxcache
from factrules.errors import PackError, PackErrors
from factrules.findings import validator
from factrules.matchers.base import DEFAULT_TIMEOUT, Matcher, RuleError, compile_pattern
from factrules.packcache import load_cached


def _strip_lines(value: Any) -> Any:
    from factrules.packyaml import KEY_LINES, LINE_KEY  # the keys the loaders add (compiling: loaded already)

    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k not in (LINE_KEY, KEY_LINES)}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


@dataclass
class Rule:
    """A compiled rule: its settings from the pack and the matcher that finds it."""

    pack: str
    id: str
    kind: str
    category: str
    severity: str
    scope: str
    message: str
    matcher: Matcher
    description: str = ""
    suggestion: str | None = None
    link: str | None = None
    enabled: bool = True
    unless: list[regex.Pattern[str]] = field(default_factory=list)
    unless_sentence: list[regex.Pattern[str]] = field(default_factory=list)
    examples: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    line: int | None = None
    #: the line of the rule's ``message`` key (its own line when the message is the default)
    message_line: int | None = None

    @property
    def full_id(self) -> str:
        return f"{self.pack}.{self.id}"


@dataclass
class Pack:
    name: str
    path: str
    rules: list[Rule]
    version: str = ""
    description: str = ""
    language: str = "en"


def read_pack_file(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse a pack file; return (data without line keys, data with line keys)."""
    shown = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise PackError(shown, f"not valid UTF-8 (byte {error.start})") from None
    except OSError as error:
        raise PackError(shown, f"cannot read: {error.strerror or error}") from None
    import yaml  # only when a pack is compiled, never on a cache hit

    from factrules.packyaml import FastLineLoader, LineLoader

    try:
        try:
            with_lines = yaml.load(raw, Loader=FastLineLoader)  # noqa: S506 - a (C)SafeLoader subclass
        except yaml.YAMLError:
            with_lines = yaml.load(raw, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context_mark and mark and "flow" in str(error.context) and error.context_mark.line < mark.line:
            mark = error.context_mark  # an unclosed [ or {: the line where it opened is where the fix goes
        line = min(mark.line + 1, len(raw.rstrip().splitlines()) or 1) if mark else None  # never past the end
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        raise PackError(shown, f"invalid YAML: {problem}", line=line, rule=_rule_before(raw, line)) from None
    except yaml.YAMLError as error:
        raise PackError(shown, f"invalid YAML: {' '.join(str(error).split())}") from None
    if not isinstance(with_lines, dict):
        raise PackError(shown, "a rule pack must be a YAML mapping with 'pack' and 'rules'", line=1)
    return _strip_lines(with_lines), with_lines


_RULE_ID_LINE = rxcache.compile(r"""^\s*-?\s*id\s*:\s*['"]?([A-Za-z0-9_-]+)""", regex.MULTILINE)


def _rule_before(raw: str, line: int | None) -> str | None:
    """The id of the rule a broken YAML line most likely belongs to (the last ``id:`` above it)."""
    if not line:
        return None
    head = "\n".join(raw.splitlines()[:line])
    found = _RULE_ID_LINE.findall(head)
    return found[-1] if found else None


def unknown_key_message(error: Any) -> tuple[str, str] | None:
    """For an ``additionalProperties`` error: (the first unexpected key, "unknown key 'x' (did you mean 'y'?)")."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return None
    from factrules.packyaml import KEY_LINES, LINE_KEY

    allowed = set(error.schema.get("properties", {}))
    patterns = [regex.compile(p) for p in error.schema.get("patternProperties", {})]
    unexpected = [key for key in error.instance if isinstance(key, str) and key not in allowed
                  and key not in (LINE_KEY, KEY_LINES) and not any(p.search(key) for p in patterns)]
    if not unexpected:
        return None
    key = unexpected[0]
    import difflib  # imported here, not at module load: only this message needs it
    close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(sorted(allowed))})"
    return key, f"unknown key '{key}'{hint}"


def _schema_error(path: str, data: dict[str, Any], with_lines: dict[str, Any], error: Any) -> PackError:
    from factrules.packyaml import KEY_LINES, LINE_KEY

    location = list(error.absolute_path)
    rule_id = None
    line = with_lines.get(LINE_KEY)
    node: Any = with_lines
    for step in location:
        if isinstance(node, dict) and step in node.get(KEY_LINES, {}):
            line = node[KEY_LINES][step]
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and LINE_KEY in node:
            line = node[LINE_KEY]
    if len(location) >= 2 and location[0] == "rules" and isinstance(location[1], int):
        rule = data["rules"][location[1]]
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        rule_node = with_lines["rules"][location[1]]
        if isinstance(rule_node, dict) and line is None:
            line = rule_node.get(LINE_KEY)
    steps = location[2:] if rule_id else location
    where = ".".join(str(step) for step in steps if not isinstance(step, int))
    detail = error.message if len(error.message) < 200 else error.message[:197] + "..."
    unknown = unknown_key_message(error)
    if unknown is not None:  # the key's own line, not its mapping's first line
        key, detail = unknown
        if isinstance(node, dict):
            line = node.get(KEY_LINES, {}).get(key, line)
    prefix = f"'{where}': " if where else ""
    return PackError(path, f"schema: {prefix}{detail}", line=line, rule=rule_id)


def _schema_errors(path: str, data: dict[str, Any], with_lines: dict[str, Any], errors: list[Any]) -> list[PackError]:
    """One error per place: per rule (and per top-level key), the most telling of the schema's errors there.

    Every unknown key is its own error, at its own line; other errors of one place are reduced to one, as
    ``anyOf``/``oneOf`` branches would otherwise each add a line.
    """
    import jsonschema  # only when a pack is compiled, never on a cache hit

    by_place: dict[tuple[Any, ...], list[Any]] = {}
    result: list[PackError] = []
    for error in errors:
        location = list(error.absolute_path)
        if error.validator == "additionalProperties":
            result.append(_schema_error(path, data, with_lines, error))
            continue
        place = tuple(location[:2]) if location[:1] == ["rules"] else tuple(location[:1])
        by_place.setdefault(place, []).append(error)
    for group in by_place.values():
        deepest = max(group, key=lambda e: len(list(e.absolute_path)))
        best = jsonschema.exceptions.best_match(group)
        chosen = deepest if len(list(deepest.absolute_path)) > len(list(best.absolute_path)) else best
        result.append(_schema_error(path, data, with_lines, chosen))
    return sorted(result, key=lambda e: e.line or 0)


#: what every message template may use; a matcher adds its match's ``data`` keys
BASE_FIELDS = frozenset({"text", "sentence"})
_TEMPLATE_FIELD = rxcache.compile(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}")


def template_fields(template: str | None) -> set[str]:
    """The ``{field}`` names a message or suggestion template uses (as ``engine.render_message`` reads them)."""
    return set(_TEMPLATE_FIELD.findall(template)) if template else set()


def _compile_list(patterns: Iterable[str], what: str) -> list[regex.Pattern[str]]:
    return [compile_pattern(p, what=what) for p in patterns]


def load_pack(path: Path, matcher_kinds: Mapping[str, type[Matcher]], *, timeout: float = DEFAULT_TIMEOUT) -> Pack:
    """Load, validate and compile one pack file; every problem found is reported (``PackErrors``), not the first.

    A rule with a schema error is not compiled (its data may not have the shape compiling needs); every other
    rule is, so one run shows the author all there is to fix.
    """
    shown = str(path)
    data, with_lines = read_pack_file(path)
    problems: list[PackError] = []
    schema_errors = list(validator("rule-pack").iter_errors(data))
    if schema_errors:
        problems.extend(_schema_errors(shown, data, with_lines, schema_errors))
        broken = {e.absolute_path[1] for e in schema_errors if len(e.absolute_path) >= 2 and e.absolute_path[0] ==
                  "rules" and isinstance(e.absolute_path[1], int)}
        whole = any(len(e.absolute_path) < 2 or e.absolute_path[0] != "rules" for e in schema_errors)
        if whole or not isinstance(data.get("rules"), list) or not isinstance(data.get("pack"), str):
            raise PackErrors.of(problems)
    else:
        broken = set()
    defaults = data.get("defaults", {})
    rules: list[Rule] = []
    seen_ids: set[str] = set()
    for index, (raw, raw_lines) in enumerate(zip(data["rules"], with_lines["rules"], strict=True)):
        if index in broken:
            continue
        try:
            rule = _compile_rule(shown, data, defaults, raw, raw_lines, matcher_kinds, timeout, seen_ids)
        except PackError as error:
            problems.append(error)
            continue
        rules.append(rule)
    if problems:
        raise PackErrors.of(sorted(problems, key=lambda e: e.line or 0))
    return Pack(
        name=data["pack"],
        path=shown,
        rules=rules,
        version=str(data.get("version", "")),
        description=data.get("description", ""),
        language=data.get("language", "en"),
    )


def _option_error_detail(error: Any, message: str, is_unknown_key: bool) -> str:
    """Name the option at fault ("verbs: ...") and keep the line short.

    A schema error quotes the offending value back in full; for a duplicate word in a long word list that
    would run to thousands of characters, so the value is named ("the list") instead.
    """
    if is_unknown_key:
        return message
    if len(message) >= 200:
        message = message.replace(repr(error.instance), "the list" if isinstance(error.instance, list) else "the value")
        message = message if len(message) < 200 else message[:197] + "..."
    where = ".".join(str(step) for step in error.absolute_path if not isinstance(step, int))
    return f"{where}: {message}" if where else message


def _compile_rule(shown: str, data: dict[str, Any], defaults: dict[str, Any], raw: dict[str, Any],
                  raw_lines: dict[str, Any], matcher_kinds: Mapping[str, type[Matcher]], timeout: float,
                  seen_ids: set[str]) -> Rule:
    """One schema-valid rule compiled; its first problem is a ``PackError`` at the line of the key at fault."""
    import jsonschema  # only when a pack is compiled, never on a cache hit

    from factrules.packyaml import KEY_LINES, LINE_KEY

    line = raw_lines.get(LINE_KEY)
    rule_id = raw["id"]
    key_lines = raw_lines.get(KEY_LINES, {})
    if rule_id in seen_ids:
        raise PackError(shown, "rule id used twice in this pack", line=line, rule=rule_id)
    seen_ids.add(rule_id)
    kind = raw["kind"]
    matcher_class = matcher_kinds.get(kind)
    if matcher_class is None:
        known = ", ".join(sorted(matcher_kinds))
        raise PackError(shown, f"unknown kind '{kind}' (known kinds: {known})", line=key_lines.get("kind", line),
                        rule=rule_id)
    if raw.get("options") is not None:
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(matcher_class.options_schema).iter_errors(raw["options"]))
        if error is not None:
            options_lines = raw_lines.get("options")
            at = key_lines.get("options", line)
            unknown = unknown_key_message(error)
            message = error.message
            key = None
            if unknown is not None:
                key, message = unknown
            elif error.absolute_path and isinstance(error.absolute_path[0], str):
                key = error.absolute_path[0]  # the option at fault
            if key is not None and isinstance(options_lines, dict):
                at = options_lines.get(KEY_LINES, {}).get(key, at)
            raise PackError(shown, f"options: {_option_error_detail(error, message, unknown is not None)}",
                            line=at, rule=rule_id)
    try:
        effective = {**raw, "scope": raw.get("scope", defaults.get("scope", "sentence"))}
        matcher = matcher_class(effective, timeout=float(raw.get("timeout", timeout)))
    except RuleError as error:
        keys = ("pattern", "prefilter", "phrases", "a", "b", "options")
        at = next((key_lines[k] for k in keys if k in key_lines), line)
        raise PackError(shown, str(error), line=at, rule=rule_id) from None
    except Exception as error:  # a plugin kind that fails in an unexpected way is still the pack's problem
        message = f"kind '{kind}' cannot compile this rule: {type(error).__name__}: {error}"
        raise PackError(shown, message, line=line, rule=rule_id) from None
    try:
        unless = _compile_list(raw.get("unless", []), "an 'unless' pattern")
    except RuleError as error:
        raise PackError(shown, str(error), line=key_lines.get("unless", line), rule=rule_id) from None
    try:
        unless_sentence = _compile_list(raw.get("unless_sentence", []), "an 'unless_sentence' pattern")
    except RuleError as error:
        raise PackError(shown, str(error), line=key_lines.get("unless_sentence", line), rule=rule_id) from None
    category = raw.get("category", defaults.get("category"))
    if not category:
        raise PackError(shown, "no 'category' (set it on the rule or in 'defaults')", line=line, rule=rule_id)
    return Rule(
        pack=data["pack"],
        id=rule_id,
        kind=kind,
        category=category,
        severity=raw.get("severity", defaults.get("severity", "warning")),
        scope=raw.get("scope", defaults.get("scope", "sentence")),
        message=raw.get("message") or f"'{{text}}': {raw.get('description') or 'check this'}",
        matcher=matcher,
        description=raw.get("description", ""),
        suggestion=raw.get("suggestion"),
        link=raw.get("link") or data.get("link"),
        enabled=raw.get("enabled", defaults.get("enabled", True)),
        unless=unless,
        unless_sentence=unless_sentence,
        examples=raw["examples"],
        path=shown,
        line=line,
        message_line=key_lines.get("message", line),
    )


def pack_files(path: Path) -> list[Path]:
    """The pack files a path names: the file itself, or every ``*.yaml``/``*.yml`` below a directory."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not path.exists():
        raise PackError(str(path), "no such rule pack file or directory")
    return [path]


def load_packs(
    paths: Iterable[Path], matcher_kinds: Mapping[str, type[Matcher]], *, timeout: float = DEFAULT_TIMEOUT
) -> list[Pack]:
    """Load every pack under ``paths``; two packs with one name is an error, not a silent override."""
    packs: list[Pack] = []
    by_name: dict[str, str] = {}
    for root in paths:
        for file in pack_files(Path(root)):
            pack = load_cached(file, matcher_kinds, timeout,
                               lambda f=file: load_pack(f, matcher_kinds, timeout=timeout))
            if pack.name in by_name and Path(by_name[pack.name]).resolve() != file.resolve():
                raise PackError(str(file), f"pack '{pack.name}' is already defined in {by_name[pack.name]}", line=1)
            if pack.name in by_name:
                continue
            by_name[pack.name] = str(file)
            packs.append(pack)
    return packs


def __getattr__(name: str) -> Any:
    """``_LineLoader`` and ``_FastLineLoader`` live in ``factrules.packyaml`` (imported with PyYAML, on a miss)."""
    if name in ("_LineLoader", "_FastLineLoader"):  # their old names here, which tests use
        from factrules import packyaml

        return getattr(packyaml, name[1:])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
