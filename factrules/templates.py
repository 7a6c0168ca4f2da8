"""Message templates checked against what matches really carry: an unknown ``{field}`` is a pack error.

``engine.render_message`` leaves a field it has no value for as written, so a typo (``{sourse}``) would
print literally in every finding.  Which fields a match fills depends on its kind and even on the match
(a number's ``meaning``, a date's ``when``), so the check runs the rule's own ``match`` examples and
looks at the ``data`` their findings carry: exact for any kind, a plugin's included, and cheap (only
rules whose templates use a field beyond ``text`` and ``sentence`` are run).
"""

from __future__ import annotations

import datetime as dt

from factrules.document import Document
from factrules.engine import Engine, Settings
from factrules.errors import PackError
from factrules.packs import BASE_FIELDS, Pack, Rule, template_fields
from factrules.plugins import Registry


def rule_templates(rule: Rule) -> dict[str, str]:
    """Every message template a rule's findings can carry: its ``message`` and ``suggestion``, and the variants
    its matcher chooses between per match (a date rule's ``options.message_vague`` / ``message_unresolved``)."""
    templates = {"message": rule.message}
    variants = getattr(rule.matcher, "messages", None)
    if isinstance(variants, dict):
        for name, template in variants.items():
            if isinstance(template, str) and template != rule.message:
                templates[f"message ({name})"] = template
    if rule.suggestion:
        templates["suggestion"] = rule.suggestion
    return templates


def unfilled_fields(rule: Rule, data_keys: set[str]) -> PackError | None:
    """A ``PackError`` for template fields no match of the rule's examples filled (they would print as written).

    A match fills ``text``, ``sentence`` and its ``data`` keys; ``data_keys`` is every key its match examples'
    findings carried, so a field the kind never provides (a typo such as ``{sourse}``) is caught exactly,
    whatever the kind.
    """
    known = BASE_FIELDS | data_keys
    for where, template in rule_templates(rule).items():
        unknown = sorted(template_fields(template) - known)
        if unknown:
            fields = ", ".join("{" + name + "}" for name in unknown)
            import difflib  # imported here, not at module load: only this message needs it
            nearest = difflib.get_close_matches(unknown[0], sorted(known), n=1, cutoff=0.6)
            hint = f" (did you mean {{{nearest[0]}}}?)" if nearest else ""
            return PackError(rule.path, f"{where} uses {fields}, which no match of kind '{rule.kind}' fills: "
                             f"known fields here are {', '.join(sorted(known))}{hint}",
                             line=rule.message_line or rule.line, rule=rule.id)
    return None


def template_problems(pack: Pack, plugins: Registry) -> list[PackError]:
    """The template fields of ``pack`` that its rules' match examples never fill (see ``unfilled_fields``)."""
    problems: list[PackError] = []
    engines: dict[object, Engine] = {}
    for rule in pack.rules:
        if not any(template_fields(t) - BASE_FIELDS for t in rule_templates(rule).values()):
            continue
        given = rule.examples.get("date")
        date = dt.date.fromisoformat(str(given)) if given else None
        if date not in engines:
            engines[date] = Engine([pack], plugins, Settings(enable=("all",), date=date))
        keys: set[str] = set()
        for example in rule.examples.get("match") or []:
            findings, _ = engines[date].check(Document(path="<example>", text=example))
            for finding in findings:
                if finding.rule == rule.full_id and finding.data:
                    keys.update(finding.data)
        problem = unfilled_fields(rule, keys)
        if problem is not None:
            problems.append(problem)
    return problems


