"""The Python API, and the one code path the CLI, server and scanners all use.

``check_text`` checks a string; ``check_paths`` checks files and
directories.  Both resolve configuration, build (and cache) an ``Engine``
for it, read each input with the reader its extension asks for, and return
findings valid against ``schemas/finding.schema.json``.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from factrules import rxcache
from factrules.config import Config, find_config_file, load_config
from factrules.document import Document
from factrules.engine import Engine, RuleCrash, Settings
from factrules.errors import ConfigError, FactrulesError, InputError, PackErrors
from factrules.findings import SEVERITY_RANK, Finding, build_report
from factrules.packs import PackError, load_packs, pack_files
from factrules.plugins import Registry, registry
from factrules.selectors import require_known
from factrules.templates import template_problems
from factrules.walk import GitIgnore, generated_by_factrules

#: error kinds that make ``check`` exit with status 2
FATAL_ERROR_KINDS = frozenset({"input-error", "pack-error", "config-error", "rule-error"})


@dataclass(frozen=True)
class Options:
    """Run options from the command line or the API; ``None`` means "take it from config"."""

    rules: tuple[str, ...] = ()
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    date: dt.date | None = None
    config: str | None = None
    plugins: tuple[str, ...] = ()
    fail_on: str | None = None
    format_hint: str | None = None

    @classmethod
    def from_values(
        cls,
        date: str | dt.date | None = None,
        rules: Iterable[str | os.PathLike[str]] = (),
        select: Iterable[str] | None = None,
        ignore: Iterable[str] = (),
        enable: Iterable[str] = (),
        config: str | os.PathLike[str] | None = None,
        plugins: Iterable[str] = (),
        fail_on: str | None = None,
        format_hint: str | None = None,
    ) -> Options:
        """Options from loosely typed values (lists, paths, an ISO date string), as every front-end has them.

        The one place that normalises them, so the API, the command line, ``scan`` and the servers build
        equal (hashable, cache-keyed) ``Options`` from equal input; a bad date raises ``ConfigError``.
        """
        return cls(
            rules=tuple(str(r) for r in rules),
            select=tuple(select) if select is not None else None,
            ignore=tuple(ignore),
            enable=tuple(enable),
            date=parse_date(date),
            config=str(config) if config else None,
            plugins=tuple(plugins),
            fail_on=fail_on,
            format_hint=format_hint,
        )


@dataclass
class Report:
    """Findings and errors of one run, and the exit status they imply."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    files: int = 0
    fail_on: str = "warning"
    #: the documents checked, by path, when the caller asked to keep them (the text format shows lines)
    sources: dict[str, Document] = field(default_factory=dict)
    #: findings handed to an ``on_findings`` callback instead of kept: their count and worst severity
    streamed: int = 0
    streamed_worst: int = -1

    def to_dict(self) -> dict[str, Any]:
        return build_report(self.findings, self.errors, self.files)

    @property
    def exit_code(self) -> int:
        if any(e.get("kind") in FATAL_ERROR_KINDS for e in self.errors):
            return 2
        if self.fail_on == "never":
            return 0
        threshold = SEVERITY_RANK[self.fail_on]
        if self.streamed_worst >= threshold:
            return 1
        return 1 if any(SEVERITY_RANK[f.severity] >= threshold for f in self.findings) else 0


def parse_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"date '{value}' is not an ISO date (YYYY-MM-DD)") from None


def resolve_config(options: Options, start: Path) -> Config:
    plugins = registry(options.plugins)
    if options.config:
        path = Path(options.config)
        if not path.is_file():
            raise ConfigError(f"{options.config}: no such config file")
        return load_config(path, plugins.config_properties)
    found = find_config_file(start)
    return load_config(found, plugins.config_properties) if found else Config()


def run_config(options: Options, paths: Sequence[str]) -> Config:
    """The config a run over ``paths`` starts from: ``--config``, else the one found from the first path."""
    first = Path(paths[0]) if paths and paths[0] != "-" else Path.cwd()
    return resolve_config(options, first if first.exists() else Path.cwd())


def settings_for(options: Options, config: Config) -> Settings:
    select = options.select if options.select is not None else config.get("select")
    return Settings(
        select=tuple(select) if select is not None else None,
        ignore=tuple(options.ignore) + tuple(config.get("ignore", [])),
        enable=tuple(options.enable) + tuple(config.get("enable", [])),
        severity=tuple(sorted(config.get("severity", {}).items())),
        date=options.date,
        default_date=config.date,
        timeout=float(config.get("timeout", 1.0)),
        document_timeout=float(config.get("document_timeout", Settings.document_timeout)),
    )


def build_engine(options: Options, config: Config) -> Engine:
    """The compiled engine for (options, config), built once and rebuilt only when a pack file changes.

    The language server and the HTTP server live for hours while a desk edits its house pack; keying
    the cache on the pack files' modification times lets them see the edit without a restart, for the
    price of a few ``stat`` calls per check.
    """
    plugins = registry(options.plugins)
    paths = (*plugins.pack_paths, *config.rule_paths, *(Path(p) for p in options.rules))
    return _compiled_engine(options, config, paths, _pack_state(paths))


def _pack_state(paths: tuple[Path, ...]) -> tuple[tuple[str, int, int], ...]:
    """(file, mtime, size) of every pack file under ``paths``; a missing one is left to the loader to report."""
    state = []
    for root in paths:
        try:
            files = pack_files(root)
        except PackError:
            state.append((str(root), -1, -1))
            continue
        for file in files:
            try:
                stat = file.stat()
                state.append((str(file), stat.st_mtime_ns, stat.st_size))
            except OSError:
                state.append((str(file), -1, -1))
    return tuple(state)


#: engines kept: a CLI run uses one or two, a server a few; each holds compiled packs, so few are kept
ENGINE_CACHE_SIZE = 8


@lru_cache(maxsize=ENGINE_CACHE_SIZE)
def _compiled_engine(options: Options, config: Config, paths: tuple[Path, ...], state: tuple) -> Engine:
    plugins = registry(options.plugins)
    settings = settings_for(options, config)
    packs = load_packs(paths, plugins.matchers, timeout=settings.timeout)
    check_templates(packs, plugins, (*config.rule_paths, *(Path(p) for p in options.rules)))
    check_selectors(options, config, [rule for pack in packs for rule in pack.rules])
    return Engine(packs, plugins, settings)


def check_templates(packs: Sequence[Any], plugins: Registry, user_roots: Sequence[Path]) -> None:
    """Refuse a user's pack (``--rules``, config ``rules``) whose message uses a ``{field}`` no match fills.

    Shipped packs are held to it by ``rules test`` in their own suites; a desk's pack is checked here so a
    ``{sourse}`` typo fails the run instead of printing in every finding.
    """
    user_files: set[Path] = set()
    for root in user_roots:
        try:
            user_files.update(file.resolve() for file in pack_files(root))
        except PackError:
            continue
    problems = [problem for pack in packs if Path(pack.path).resolve() in user_files
                for problem in template_problems(pack, plugins)]
    if problems:
        raise PackErrors.of(problems)


def check_selectors(options: Options, config: Config, rules: Sequence[Any]) -> None:
    """Refuse a selector that names no loaded rule, pack or category, saying where it was written.

    ``--select hedgez`` or ``ignore: [hedgez]`` would otherwise run (or skip) nothing and pass green.
    """
    shown = str(config.path) if config.path else "config"
    for name in ("select", "ignore", "enable"):
        given = getattr(options, name)
        if given:
            require_known(given, rules, f"--{name}", name)
        if name != "select" or options.select is None:
            require_known(config.get(name) or (), rules, f"{name} in {shown}", name)


def reader_for(path: str, plugins: Registry, format_hint: str | None = None) -> Any:
    """The reader for a path's extension (or an explicit format); plain text when unknown."""
    if format_hint:
        key = format_hint if format_hint.startswith(".") else "." + {"markdown": "md"}.get(format_hint, format_hint)
        if key not in plugins.readers:
            raise ConfigError(f"no reader for format '{format_hint}' (known: {', '.join(sorted(plugins.readers))})")
        return plugins.readers[key]
    return plugins.readers.get(os.path.splitext(path)[1].lower(), plugins.readers[".txt"])


def read_document(data: bytes, path: str, plugins: Registry, format_hint: str | None = None) -> Document:
    reader = reader_for(path, plugins, format_hint)
    try:
        return reader(data, path)
    except FactrulesError:
        raise
    except Exception as error:  # a reader must never take the run down with it
        raise InputError(path, f"could not be read: {type(error).__name__}: {error}") from None


def check_document(document: Document, options: Options | None = None, config: Config | None = None) -> Report:
    """Check an already-read document."""
    options = options or Options()
    config = config if config is not None else resolve_config(options, Path.cwd())
    engine = build_engine(options, config)
    findings, errors = engine.check(document)
    return Report(findings, errors, 1, _fail_on(options, config))


def _fail_on(options: Options, config: Config) -> str:
    return options.fail_on or config.get("fail_on", "warning")


def text_bytes(text: str) -> bytes:
    """The bytes a reader expects for a draft given as a string, such that spans still index ``text``.

    Readers decode with ``utf-8-sig``, which drops one leading BOM, so a draft that starts with U+FEFF gets a
    second one. NUL and lone surrogates become U+FFFD, one code point each so no offset moves: the NUL sniffing
    that refuses binary *files* means nothing for a string, and a string may carry surrogates no UTF-8 file can.
    """
    text = _UNENCODABLE.sub("\ufffd", text)
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if text.startswith("\ufeff") else data


_UNENCODABLE = rxcache.compile("[\x00\ud800-\udfff]")


def check_text(
    text: str,
    date: str | dt.date | None = None,
    *,
    format: str = "text",
    path: str = "-",
    rules: Iterable[str] = (),
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    enable: Iterable[str] = (),
    config: str | None = None,
    plugins: Iterable[str] = (),
) -> list[Finding]:
    """Check a draft given as a string and return its findings.

    ``format`` is ``text``, ``markdown`` or ``html`` (any reader's name);
    ``date`` is the article's date for resolving relative dates.  Rule-pack
    and configuration problems raise ``PackError``/``ConfigError``; selector
    lists past their limits raise ``factrules.selectors.SelectorError``.  Spans
    index ``text`` itself; NUL and lone surrogates read as U+FFFD.
    """
    options = Options.from_values(date, rules, select, ignore, enable, config, plugins, format_hint=format)
    find_config_file.cache_clear()  # each call sees config files created or removed since the last one
    config_obj = resolve_config(options, Path.cwd())
    document = read_document(text_bytes(text), path, registry(options.plugins), format)
    return check_document(document, options, config_obj).findings


def iter_files(paths: Sequence[str], extensions: Iterable[str],
               on_skipped: Callable[[str, str], None] | None = None, exclude: Iterable[str] = ()) -> Iterator[str]:
    """Expand directories recursively (by extension, skipping hidden folders); keep files as given.

    In a directory, what ``.gitignore`` excludes, the paths in ``exclude`` (the run's own ``--output``) and
    reports factrules wrote are left out (``factrules.walk``).

    A FIFO, socket or device found in a directory is skipped (reading a FIFO waits for a writer that may
    never come: ``check`` hung forever) and handed to ``on_skipped(path, what)``; one named on the command
    line is read, since naming it is asking for it (``factrules check <(cmd)``).
    """
    wanted = {e.lower() for e in extensions}
    excluded = {os.path.realpath(p) for p in exclude if p and p != "-"}
    for given in paths:
        if given == "-" or not os.path.isdir(given):
            yield given
            continue
        ignore = GitIgnore(given)
        for folder, subfolders, files in os.walk(given):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(".")
                                   and not ignore.ignored(os.path.join(folder, d), True))
            for name in sorted(files):
                if os.path.splitext(name)[1].lower() in wanted and not name.startswith("."):
                    path = os.path.join(folder, name)
                    if os.path.realpath(path) in excluded or ignore.ignored(path, False):
                        continue
                    what = _not_regular(path)
                    if what is None:
                        if not generated_by_factrules(path):  # opened only once known to be a file
                            yield path
                    elif on_skipped is not None:
                        on_skipped(path, what)


def _not_regular(path: str) -> str | None:
    """What a path is when it is not a regular file (``None`` for a file, or when it cannot be told)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # a broken link: reading it reports the error
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


def _read_bytes(path: str, stdin: Any) -> bytes:
    if path == "-":
        return stdin.read() if stdin is not None else b""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(path, "no such file or directory") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None


def check_paths(
    paths: Sequence[str],
    date: str | dt.date | None = None,
    *,
    rules: Iterable[str] = (),
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    enable: Iterable[str] = (),
    config: str | None = None,
    plugins: Iterable[str] = (),
    fail_on: str | None = None,
    format: str | None = None,
    stdin: Any = None,
    keep_sources: bool = False,
    on_findings: Callable[[list[Finding]], list[Finding]] | None = None,
    exclude: Iterable[str] = (),
) -> Report:
    """Check files, directories (recursively, by extension) and ``-`` (standard input).

    In directories, ``.gitignore``'d files, reports factrules wrote and the paths in ``exclude`` (the run's
    own output files) are not read; files named in ``paths`` always are.

    Problems with one input (missing, binary, undecodable) become errors in
    the report and the other inputs are still checked.  A broken rule pack
    or config is not per-file: it raises ``PackError``/``ConfigError``.

    ``on_findings`` receives each file's findings as soon as that file is checked and returns the ones
    it wrote (a baseline may drop some); those are counted for the exit status, not kept in the report,
    so a run over many files or one huge file never holds all its findings at once.
    """
    options = Options.from_values(date, rules, select, ignore, enable, config, plugins, fail_on, format)
    plugins_registry = registry(options.plugins)
    report = Report()
    find_config_file.cache_clear()  # memoised within one run only: a long-lived process sees config edits
    base_config = run_config(options, paths)
    report.fail_on = _fail_on(options, base_config)
    extensions = base_config.get("extensions") or list(plugins_registry.readers)

    def skipped(path: str, what: str) -> None:
        report.errors.append({"path": path, "kind": "skipped-file", "severity": "warning",
                              "message": f"{path}: {what}, not a regular file: skipped"})

    for path in iter_files(list(paths), extensions, skipped, exclude):
        try:
            config = base_config if options.config or path == "-" else resolve_config(options, Path(path))
            engine = build_engine(options, config)
            data = _read_bytes(path, stdin)
            report.files += 1
            if not data.strip():
                message = f"{path}: empty file, nothing to check"
                report.errors.append({"path": path, "kind": "empty-file", "severity": "info", "message": message})
                continue
            document = read_document(data, path, plugins_registry, format)
            # the file's bytes are not needed once decoded: a 50 MB draft would otherwise hold them all check long
            data = b""
            findings, errors = engine.check(document)
        except InputError as error:
            report.errors.append({"path": path, "kind": "input-error", "severity": "error", "message": str(error)})
            continue
        except RuleCrash as error:  # this file's check failed in a plugin's code; the other files still run
            report.errors.append({"path": path, "kind": "rule-error", "rule": error.rule, "severity": "error",
                                  "message": str(error)})
            continue
        if on_findings is not None:
            written = on_findings(findings)
            report.streamed += len(written)
            report.streamed_worst = max([report.streamed_worst, *(SEVERITY_RANK[f.severity] for f in written)])
        else:
            report.findings.extend(findings)
        report.errors.extend(errors)
        if keep_sources:
            report.sources[path] = document
    return report


__all__ = ["Options", "PackError", "Report", "check_paths", "check_text"]
