"""The rule-pack author's tools: find and explain a rule, run the packs' examples, write a pack skeleton.

Shared by ``factrules rules ...`` and the language server (hover, the
explain command), so neither front-end imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from factrules.api import Options, parse_date
from factrules.document import Document
from factrules.engine import Engine, Settings
from factrules.errors import PackError, UsageError
from factrules.output import write_atomically
from factrules.packs import Pack, Rule
from factrules.plugins import registry
from factrules.templates import rule_templates, unfilled_fields


def rule_line(rule: Rule) -> str:
    """One rule as ``rules list`` shows it: id, kind, category, severity, and whether it is off by default."""
    state = "" if rule.enabled else "  (off by default)"
    return f"{rule.full_id:40} {rule.kind:12} {rule.category:12} {rule.severity:8}{state}"


#: the text form's first line, in rule_line's columns
RULE_HEADER = f"{'RULE':40} {'KIND':12} {'CATEGORY':12} {'SEVERITY':8}"


def rule_record(rule: Rule) -> dict[str, Any]:
    """One rule as ``rules list --format json`` gives it (the ``GET /v1/rules`` fields, and where it is defined)."""
    return {"id": rule.full_id, "pack": rule.pack, "kind": rule.kind, "category": rule.category,
            "severity": rule.severity, "enabled": rule.enabled, "description": rule.description,
            "message": rule.message, "suggestion": rule.suggestion, "path": rule.path, "line": rule.line}


def rules_document(packs: list[Pack]) -> dict[str, Any]:
    """``{"packs": [...], "rules": [...]}``: every loaded pack and rule, for scripts and editors."""
    return {"packs": [{"name": p.name, "version": p.version, "description": p.description, "path": p.path}
                      for p in packs],
            "rules": [rule_record(rule) for pack in packs for rule in pack.rules]}


def find_rule(packs: list[Pack], rule_id: str) -> Rule:
    """The rule whose full id (``pack.rule``) is ``rule_id``; a ``UsageError`` pointing to ``rules list`` if none."""
    for pack in packs:
        for rule in pack.rules:
            if rule.full_id == rule_id:
                return rule
    pack_name = rule_id.split(".", 1)[0]
    loaded = {pack.name for pack in packs}
    if pack_name not in loaded:
        local = next((f"{pack_name}{ext}" for ext in (".yaml", ".yml") if Path(f"{pack_name}{ext}").is_file()), None)
        how = f"--rules {local}" if local else "--rules FILE"
        raise UsageError(f"no rule '{rule_id}': no pack '{pack_name}' is loaded (add `{how}`, or list the file "
                         "under `rules:` in .factrules.yaml)")
    ids = [rule.full_id for pack in packs for rule in pack.rules]
    import difflib  # imported here, not at module load: only this message needs it
    nearest = difflib.get_close_matches(rule_id, ids, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(n) for n in nearest)}?" if nearest else " (see `factrules rules list`)"
    raise UsageError(f"no rule '{rule_id}'{hint}")


def explain_text(rule: Rule) -> str:
    """The explanation shown by `rules explain`, on hover in the editor and in SARIF help."""
    lines = [f"{rule.full_id} ({rule.kind}, {rule.category}, {rule.severity}"
             f"{'' if rule.enabled else ', off by default'})", ""]
    if rule.description:
        lines += [rule.description, ""]
    used = _messages_used(rule)
    for where, template in rule_templates(rule).items():
        if where != "suggestion" and where in used:
            lines.append(f"{where[0].upper()}{where[1:]}: {template}")
    if rule.suggestion:
        lines.append(f"Suggestion: {rule.suggestion}")
    lines.append(f"Scope: {rule.scope}")
    for example in rule.examples.get("match", []):
        lines.append(f"  flags:     {example}")
    for example in rule.examples.get("no_match", []):
        lines.append(f"  not flags: {example}")
    lines.append(f"Defined in {rule.path}:{rule.line}")
    return "\n".join(lines)


def _messages_used(rule: Rule) -> set[str]:
    """The templates of ``rule_templates`` a rule's findings can really show.

    A date rule picks its message per match: a vague date ("in the coming weeks") gets ``message_vague``,
    a relative one without an article date ``message_unresolved``, a resolved one the rule's ``message``;
    so a rule of only vague families never shows its ``message``, and one without them never the vague one.
    """
    names = set(rule_templates(rule))
    families = getattr(rule.matcher, "families", None)
    if families and "message (vague)" in names:
        if set(families) == {"vague"}:
            return {"message (vague)"}
        names.discard("message (vague)")
    return names


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


def test_packs(packs: list[Pack], context_packs: list[Pack], options: Options,
               wanted: Callable[[Rule], bool] | None = None) -> tuple[int, list[ExampleFailure | PackError]]:
    """Run every example of every rule in ``packs`` (of those ``wanted`` accepts); return (examples run, failures).

    All rules run together, off-by-default ones included, as they would in a
    real check (document-level rules need the findings of the others); only
    the rule under test's findings are looked at.
    """
    plugins = registry(options.plugins)
    all_packs = {p.name: p for p in [*context_packs, *packs]}
    engines: dict[object, Engine] = {}
    failures: list[ExampleFailure | PackError] = []
    count = 0
    for pack in packs:
        for rule in pack.rules:
            if wanted is not None and not wanted(rule):
                continue
            data_keys: set[str] = set()
            date = parse_date(rule.examples.get("date"))
            if date not in engines:
                engines[date] = Engine(list(all_packs.values()), plugins, Settings(enable=("all",), date=date))
            engine = engines[date]
            for expectation in ("match", "no_match"):
                for index, example in enumerate(rule.examples.get(expectation) or []):
                    count += 1
                    findings, _ = engine.check(Document(path="<example>", text=example))
                    mine = [f for f in findings if f.rule == rule.full_id]
                    found = [f.text for f in mine]
                    for finding in mine:
                        data_keys.update(finding.data or ())
                    if bool(found) != (expectation == "match"):
                        failures.append(ExampleFailure(rule, expectation, index, example, found))
            unfilled = unfilled_fields(rule, data_keys) if data_keys or rule.examples.get("match") else None
            if unfilled is not None:
                failures.append(unfilled)
    return count, failures


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


def write_pack_skeleton(name: str, directory: Path) -> Path:
    """Write ``NAME.yaml``, a pack whose two example rules pass ``rules test``, and return its path.

    Refuses a name that is not a valid pack name and an existing file (never overwrites a desk's pack).
    """
    if not regex.fullmatch(r"[a-z][a-z0-9_-]*", name):
        raise UsageError(f"pack name '{name}' must be lower case letters, digits, '-' or '_'")
    path = directory / f"{name}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists; not overwriting it")
    with write_atomically(path) as handle:
        handle.write(SKELETON.format(name=name, file=path))
    return path


__all__ = ["ExampleFailure", "explain_text", "find_rule", "rule_line", "test_packs", "write_pack_skeleton"]
