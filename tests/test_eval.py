"""`factrules eval`: precision, recall and F1 per category on a gold JSONL file, and --errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from factrules.errors import InputError
from factrules.evaluate import Score, evaluate, format_evaluation, read_gold

GOLD = Path(__file__).resolve().parent / "fixtures" / "eval" / "gold.jsonl"
SELECT = ("--select", "hedge,unverified,denial")


def table(out: str) -> dict[str, list[str]]:
    rows = {}
    for line in out.splitlines()[1:]:
        parts = line.split()
        if parts and parts[0] not in ("miss", "false") and not parts[0].startswith("("):
            rows[parts[0]] = parts[1:]
    return rows


def test_eval_prints_precision_recall_f1_per_category(cli) -> None:
    result = cli("eval", GOLD, *SELECT)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0].split() == ["category", "P", "R", "F1", "TP", "FP", "FN"]
    assert table(result.out) == {
        "denial": ["1.000", "1.000", "1.000", "1", "0", "0"],
        "hedge": ["1.000", "0.500", "0.667", "1", "0", "1"],
        "unverified": ["0.500", "0.500", "0.500", "1", "1", "1"],
        "overall": ["0.750", "0.600", "0.667", "3", "1", "2"],
    }
    assert "miss" not in result.out and "false alarm" not in result.out


def test_eval_errors_lists_misses_and_false_alarms(cli) -> None:
    result = cli("eval", GOLD, *SELECT, "--errors", "5")
    lines = result.out.splitlines()
    misses = [line.split()[:2] for line in lines if line.startswith("miss")]
    assert misses == [["miss", "hedge"], ["miss", "unverified"]]
    assert "doc-one: The mayor may be the culprit, investigators hinted." in result.out
    alarms = [line for line in lines if line.startswith("false alarm")]
    assert len(alarms) == 1
    assert "doc-two: Critics say the law goes too far." in alarms[0]
    assert alarms[0].endswith("<- sourcing.vague-attribution 'Critics say'")


def test_eval_errors_limit(cli) -> None:
    lines = cli("eval", GOLD, *SELECT, "--errors", "1").out.splitlines()
    assert sum(line.startswith("miss") for line in lines) == 1
    assert sum(line.startswith("false alarm") for line in lines) == 1


def test_eval_as_subprocess(cli_proc) -> None:
    result = cli_proc("eval", GOLD, *SELECT, "--errors", "2")
    assert result.code == 0 and table(result.out)["overall"][:3] == ["0.750", "0.600", "0.667"]


def test_eval_with_extra_rules_changes_the_scores(cli, write) -> None:
    pack = write("street.yaml", "pack: street\ndefaults: {category: unverified}\nrules:\n"
                                "  - id: word-on-the-street\n    kind: phrase\n    phrases: [word on the street]\n"
                                "    examples: {match: [word on the street], no_match: [the mayor said]}\n")
    result = cli("eval", GOLD, *SELECT, "--rules", pack)
    assert table(result.out)["unverified"] == ["0.667", "1.000", "0.800", "2", "1", "0"]


def test_eval_config_only_when_given(cli, write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(".factrules.yaml", "ignore: [denials]\n")
    monkeypatch.chdir(tmp_path)
    # a config found around the working directory is not used ...
    assert table(cli("eval", GOLD, *SELECT).out)["denial"] == ["1.000", "1.000", "1.000", "1", "0", "0"]
    # ... an explicit one is: its ignored pack's sentences become misses
    result = cli("eval", GOLD, *SELECT, "--config", tmp_path / ".factrules.yaml")
    assert table(result.out)["denial"] == ["1.000", "0.000", "0.000", "0", "0", "1"]


def test_document_level_categories_are_scored_per_document(write) -> None:
    from factrules.api import Options

    pack = write("doc.yaml", "pack: doclevel\ndefaults: {category: consistency}\nrules:\n"
                             "  - id: zour\n    kind: phrase\n    phrases: [Deir el-Zour]\n"
                             "    examples: {match: [Deir el-Zour], no_match: [Deir ez-Zor]}\n")
    gold = [
        {"id": "a", "labels": ["consistency"], "sentences": [
            {"text": "Fighting near Deir el-Zour.", "labels": []}, {"text": "In Deir el-Zour again.", "labels": []}]},
        {"id": "b", "sentences": [{"text": "Deir el-Zour is calm.", "labels": []}]},
        {"id": "c", "sentences": [{"text": "Nothing here.", "labels": ["consistency"]}]},
    ]
    result = evaluate(gold, Options(rules=(str(pack),), select=("doclevel",)))
    score = result.scores["consistency"]
    assert (score.true_positive, score.false_positive, score.false_negative) == (1, 1, 1)
    assert [m[1] for m in result.misses] == ["c"] and [a[1] for a in result.false_alarms] == ["b"]


def test_document_level_category_not_annotated_is_not_scored(write) -> None:
    from factrules.api import Options

    pack = write("doc.yaml", "pack: doclevel\ndefaults: {category: consistency}\nrules:\n"
                             "  - id: zour\n    kind: phrase\n    phrases: [Deir el-Zour]\n"
                             "    examples: {match: [Deir el-Zour], no_match: [Deir ez-Zor]}\n")
    gold = [{"id": "b", "sentences": [{"text": "Deir el-Zour is calm.", "labels": ["hedge"]}]}]
    result = evaluate(gold, Options(rules=(str(pack),), select=("doclevel",)))
    assert "consistency" not in result.scores and result.unscored == ["consistency"]
    assert "(consistency: not annotated in this gold file, not scored)" in format_evaluation(result)


def test_score_arithmetic() -> None:
    assert (Score().precision, Score().recall) == (1.0, 1.0)
    assert Score(0, 3, 0).f1 == 0.0
    score = Score(2, 1, 3)
    assert round(score.precision, 3) == 0.667 and score.recall == 0.4 and round(score.f1, 3) == 0.5


def test_format_evaluation_without_errors_has_only_the_table() -> None:
    result = evaluate(read_gold(GOLD), None)
    text = format_evaluation(result)
    assert [line.split()[0] for line in text.splitlines()][-2:] == ["overall", "(consistency:"]
    assert "miss" not in text and "false alarm" not in text


@pytest.mark.parametrize("content", ["not json\n", '{"id": "x"}\n', "[1, 2]\n"])
def test_bad_gold_file(cli, write, content: str) -> None:
    gold = write("bad.jsonl", '{"id": "ok", "sentences": []}\n' + content)
    with pytest.raises(InputError, match="line 2"):
        read_gold(gold)
    result = cli("eval", gold)
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1 and f"{gold}: line 2" in result.err


def test_eval_by_rule_counts_each_rules_hits_on_the_gold(cli, write) -> None:
    """`--by-rule` shows which rule carries a category and which one is noisy, noisiest first."""
    pack = write("desk.yaml", "pack: desk\ndefaults: {category: unverified}\nrules:\n"
                              "  - id: critics\n    kind: phrase\n    phrases: [critics say]\n"
                              "    examples: {match: [critics say so], no_match: [the mayor said]}\n"
                              "  - id: officials\n    kind: phrase\n    phrases: [officials said]\n"
                              "    examples: {match: [officials said], no_match: [the mayor said]}\n")
    result = cli("eval", GOLD, "--rules", pack, "--select", "desk", "--by-rule")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("rule")))
    assert lines[header].split() == ["rule", "category", "TP", "alone", "FP", "P"]
    rows = [line.split() for line in lines[header + 1:] if line.strip()]
    assert rows == [["desk.critics", "unverified", "0", "0", "1", "0.000"],
                    ["desk.officials", "unverified", "1", "1", "0", "1.000"]]


def test_eval_without_by_rule_prints_no_rule_table(cli) -> None:
    assert not any(line.startswith("rule ") for line in cli("eval", GOLD, *SELECT).out.splitlines())
