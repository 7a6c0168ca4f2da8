"""``factrules.testing``: the helpers a plugin's own tests use (the live server is exercised by test_server.py)."""

from __future__ import annotations

import pytest

from factrules import check_text
from factrules.errors import PackError
from factrules.testing import temporary_pack


def test_temporary_pack_from_rule_mappings_is_loaded_and_then_gone() -> None:
    rule = {"id": "soon", "kind": "phrase", "phrases": ["in due course"], "message": "when?",
            "examples": {"match": ["It will open in due course."]}}
    with temporary_pack([rule], name="desk", defaults={"category": "vague", "severity": "info"}) as path:
        assert path.name == "desk.yaml"
        findings = check_text("The bridge reopens in due course.", rules=[path], select=["desk"])
        assert [(f.rule, f.category, f.severity, f.text) for f in findings] == [
            ("desk.soon", "vague", "info", "in due course")]
    assert not path.exists() and not path.parent.exists()


def test_temporary_pack_from_yaml_text_and_a_broken_one() -> None:
    with temporary_pack("""\
        pack: house
        rules:
          - id: nod
            kind: phrase
            phrases: [off the record]
            category: sourcing
            examples: {match: ["He said it off the record."]}
        """, name="house") as path:
        assert [f.text for f in check_text("She spoke off the record.", rules=[path], select=["house"])] == [
            "off the record"]
    with temporary_pack([{"id": "bad", "kind": "no-such-kind"}], name="broken") as path:
        with pytest.raises(PackError, match="broken.yaml"):
            check_text("Anything.", rules=[path])
