"""``check --fix`` and ``--fix --dry-run``: suggestions applied atomically, nothing else touched (issue 13)."""

from __future__ import annotations

import os
import textwrap

from factrules.fixes import apply_spans

DRAFT = (
    "Troops entered Tel el-Samra at dawn, officials reportedly said.\n"
    "By noon the people of Tel al-Samra had fled; Tel el-Samra was empty.\n"
    "Tel al-Samra’s mayor spoke alot.\n"
    "Aid reached Tel el-Samra after dark.\n"
)
HOUSE = textwrap.dedent(
    """\
    pack: house
    defaults: {category: style}
    rules:
      - id: alot
        kind: phrase
        phrases: [alot]
        message: "'{text}' is two words."
        suggestion: "a lot"
        examples:
          match: ["He spoke alot."]
    """
)


def _rules(cli, *args) -> list[tuple[str, str]]:
    return [(f["rule"], f["text"]) for f in cli("check", *args, "--format", "json").json["findings"]]


def test_fix_rewrites_only_the_suggested_spans_and_the_file_rechecks_clean(cli, write) -> None:
    draft = write("story.txt", DRAFT)
    pack = write("house.yaml", HOUSE)
    os.chmod(draft, 0o640)
    before = _rules(cli, draft, "--rules", pack)
    fixable = [(rule, text) for rule, text in before if rule in ("consistency.spelling", "house.alot")]
    assert ("house.alot", "alot") in fixable and any(text == "Tel al-Samra" for _, text in fixable)
    inode = os.stat(draft).st_ino
    result = cli("check", draft, "--rules", pack, "--fix", "--format", "json")
    assert "fixed" in result.err
    after_text = draft.read_text(encoding="utf-8")
    assert after_text == DRAFT.replace("Tel al-Samra", "Tel el-Samra").replace("alot", "a lot")
    assert os.stat(draft).st_ino != inode and (os.stat(draft).st_mode & 0o777) == 0o640  # renamed into place
    after = _rules(cli, draft, "--rules", pack)
    assert not [r for r, _ in after if r in ("consistency.spelling", "house.alot")]
    # the other findings are untouched: same rules, same words
    assert [f for f in after if f[0] not in ("consistency.spelling", "house.alot")] == [
        f for f in before if f[0] not in ("consistency.spelling", "house.alot")]
    # the report printed after --fix is what is left
    assert {f["rule"] for f in result.json["findings"]} == {r for r, _ in after}


def test_fix_dry_run_prints_a_diff_and_writes_nothing(cli, write) -> None:
    draft = write("story.txt", DRAFT)
    result = cli("check", draft, "--fix", "--dry-run")
    assert result.code == 1
    assert draft.read_text(encoding="utf-8") == DRAFT
    assert result.out.startswith("--- a/") and "\n+++ b/" in result.out
    removed = [line for line in result.out.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in result.out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert [line[1:].replace("Tel al-Samra", "Tel el-Samra") for line in removed] == [line[1:] for line in added]
    assert "would fix 2 findings in 1 file" in result.err
    clean = write("clean.txt", "The council met.\n")
    assert cli("check", clean, "--fix", "--dry-run").code == 0


def test_fix_keeps_a_bom_and_refuses_stdin(cli, write) -> None:
    draft = write("bom.txt", "\ufeff" + DRAFT)
    assert cli("check", draft, "--fix", "--select", "consistency").code == 0
    assert draft.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Tel al-Samra" not in draft.read_text(encoding="utf-8-sig")
    refused = cli("check", "-", "--fix", stdin=DRAFT)
    assert refused.code == 2 and "standard input" in refused.err
    assert cli("check", draft, "--dry-run").code == 2


def test_fix_leaves_a_file_that_changed_since_it_was_checked() -> None:
    from types import SimpleNamespace

    from factrules.fixes import plan_fixes

    finding = SimpleNamespace(suggestion="x", path=__file__, text="y", span={"start": 0, "end": 1})
    plans, notes = plan_fixes([finding], {__file__: SimpleNamespace(source="something else")})
    assert plans == [] and "changed since it was checked" in notes[0]


def test_overlapping_replacements_keep_the_first_from_the_end() -> None:
    assert apply_spans("abcdef", [(0, 2, "X"), (1, 3, "Y"), (4, 6, "Z")]) == ("aYdZ", 2)
