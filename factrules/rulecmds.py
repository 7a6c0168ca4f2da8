"""``factrules rules list | explain | test | validate | new``: the rule-pack author's tools."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from factrules.api import Options, build_engine, parse_date, resolve_config
from factrules.config import Config
from factrules.document import Document
from factrules.engine import Engine, Settings
from factrules.errors import UsageError
from factrules.output import write_atomically
from factrules.packs import Pack, Rule, load_packs
from factrules.plugins import registry


def _options(args: argparse.Namespace) -> Options:
    from factrules.cli import rule_kwargs

    kwargs = rule_kwargs(args)
    return Options(rules=tuple(kwargs["rules"]), select=None, ignore=(), enable=(),
                   config=kwargs["config"], plugins=tuple(kwargs["plugins"]))


def _all_packs(args: argparse.Namespace) -> list[Pack]:
    options = _options(args)
    return build_engine(options, resolve_config(options, Path.cwd())).packs


def run_rules_command(args: argparse.Namespace, stdout: IO[str]) -> int:
    command = args.rules_command
    if command == "list":
        return rules_list(_all_packs(args), stdout)
    if command == "explain":
        return rules_explain(_all_packs(args), args.rule_id, stdout)
    if command == "test":
        return rules_test(args, stdout)
    if command == "validate":
        plugins = registry(tuple(args.plugin))
        packs = load_packs([Path(p) for p in args.paths], plugins.matchers)
        for pack in packs:
            print(f"{pack.path}: ok (pack '{pack.name}', {len(pack.rules)} rules)", file=stdout)
        return 0
    if command == "new":
        return rules_new(args.name, Path(args.dir), stdout)
    raise UsageError(f"unknown rules subcommand '{command}'")


def rules_list(packs: list[Pack], stdout: IO[str]) -> int:
    for pack in packs:
        for rule in pack.rules:
            state = "" if rule.enabled else "  (off by default)"
            print(f"{rule.full_id:40} {rule.kind:12} {rule.category:12} {rule.severity:8}{state}", file=stdout)
    return 0


def find_rule(packs: list[Pack], rule_id: str) -> Rule:
    for pack in packs:
        for rule in pack.rules:
            if rule.full_id == rule_id:
                return rule
    raise UsageError(f"no rule '{rule_id}' (see `factrules rules list`)")


def explain_text(rule: Rule) -> str:
    """The explanation shown by `rules explain`, on hover in the editor and in SARIF help."""
    lines = [f"{rule.full_id} ({rule.kind}, {rule.category}, {rule.severity}"
             f"{'' if rule.enabled else ', off by default'})", ""]
    if rule.description:
        lines += [rule.description, ""]
    lines.append(f"Message: {rule.message}")
    if rule.suggestion:
        lines.append(f"Suggestion: {rule.suggestion}")
    lines.append(f"Scope: {rule.scope}")
    for example in rule.examples.get("match", []):
        lines.append(f"  flags:     {example}")
    for example in rule.examples.get("no_match", []):
        lines.append(f"  not flags: {example}")
    lines.append(f"Defined in {rule.path}:{rule.line}")
    return "\n".join(lines)


def rules_explain(packs: list[Pack], rule_id: str, stdout: IO[str]) -> int:
    print(explain_text(find_rule(packs, rule_id)), file=stdout)
    return 0


@dataclass
class ExampleFailure:
    rule: Rule
    expectation: str
    index: int
    text: str
    found: list[str]

    def __str__(self) -> str:
        if self.expectation == "match":
            what = "should match but does not"
        else:
            what = f"should not match but flags {', '.join(repr(t) for t in self.found)}"
        return (f"{self.rule.path}:{self.rule.line}: pack '{self.rule.pack}' rule '{self.rule.id}': "
                f"{self.expectation} example {self.index + 1} {what}: {self.text!r}")


def test_packs(packs: list[Pack], context_packs: list[Pack], options: Options) -> tuple[int, list[ExampleFailure]]:
    """Run every example of every rule in ``packs``; return (examples run, failures).

    All rules run together, off-by-default ones included, as they would in a
    real check (document-level rules need the findings of the others); only
    the rule under test's findings are looked at.
    """
    plugins = registry(options.plugins)
    all_packs = {p.name: p for p in [*context_packs, *packs]}
    engines: dict[object, Engine] = {}
    failures: list[ExampleFailure] = []
    count = 0
    for pack in packs:
        for rule in pack.rules:
            date = parse_date(rule.examples.get("date"))
            if date not in engines:
                engines[date] = Engine(list(all_packs.values()), plugins, Settings(enable=("all",), date=date))
            engine = engines[date]
            for expectation in ("match", "no_match"):
                for index, example in enumerate(rule.examples.get(expectation) or []):
                    count += 1
                    findings, _ = engine.check(Document(path="<example>", text=example))
                    found = [f.text for f in findings if f.rule == rule.full_id]
                    if bool(found) != (expectation == "match"):
                        failures.append(ExampleFailure(rule, expectation, index, example, found))
    return count, failures


def rules_test(args: argparse.Namespace, stdout: IO[str]) -> int:
    options = _options(args)
    plugins = registry(options.plugins)
    context = _all_packs(args)
    if args.paths:
        packs = load_packs([Path(p) for p in args.paths], plugins.matchers)
        context = [p for p in context if p.name not in {q.name for q in packs}]
    else:
        packs = context
    count, failures = test_packs(packs, context, options)
    for failure in failures:
        print(failure, file=stdout)
    rules = sum(len(p.rules) for p in packs)
    status = "failed" if failures else "passed"
    print(f"rules test: {count} examples of {rules} rules in {len(packs)} packs, "
          f"{len(failures)} failed: {status}", file=stdout)
    return 1 if failures else 0


SKELETON = """\
pack: {name}
version: 0.1.0
description: House rules of {name}. Edit the rules below; `factrules rules test {file}` runs their examples.
language: en
defaults: {{category: {name}, severity: warning, scope: sentence}}
rules:
  - id: example-phrase
    kind: phrase
    description: Why an editor should look at these words.
    phrases: [allegedly, reportedly]
    message: "'{{text}}' softens the claim: say who reported it, or confirm it."
    examples:
      match: ["The mayor allegedly took the money."]
      no_match: ["The mayor took the money, the court found."]
  - id: example-pattern
    kind: pattern
    description: A regular expression (the `regex` module, case-insensitive), run with a time limit.
    pattern: '\\bsources? (?:say|said|says)\\b'
    message: "'{{text}}': name the source, or explain why it cannot be named."
    examples:
      match: ["Sources said the deal was off."]
      no_match: ["The finance ministry said the deal was off."]
"""


def rules_new(name: str, directory: Path, stdout: IO[str]) -> int:
    import regex

    if not regex.fullmatch(r"[a-z][a-z0-9_-]*", name):
        raise UsageError(f"pack name '{name}' must be lower case letters, digits, '-' or '_'")
    path = directory / f"{name}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists; not overwriting it")
    with write_atomically(path) as handle:
        handle.write(SKELETON.format(name=name, file=path))
    print(f"wrote {path}: run `factrules rules test {path}`", file=stdout)
    return 0


__all__ = ["Config", "explain_text", "find_rule", "test_packs"]
