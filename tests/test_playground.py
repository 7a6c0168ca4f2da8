"""The playground page in headless Chromium (Debian's ``chromium``, driven by Playwright), against the real server.

The browser is installed by the suite when it is missing (``browser_setup.ensure_chromium``), so the
README's test command passes on a fresh machine.

It types the example draft, waits for the highlights, and checks them
against what ``POST /v1/check`` returns for the same draft: one highlight
per finding, per category, over the flagged words.  Clicking a message must
scroll the editor to its highlight and flash it.  A screenshot is saved to
``test-artifacts/playground.png``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_setup import ensure_chromium
from playwright.sync_api import Browser, Page, sync_playwright

from factrules.findings import validator
from factrules.testing import ServerProcess

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "playground-token"
DATE = "2024-03-15"
ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "factrules" / "server" / "static" / "example.txt"
ARTIFACTS = ROOT / "test-artifacts"

#: the first test may install chromium (apt-get) before it starts the browser
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with ServerProcess(env={"FACTRULES_TOKEN": TOKEN}) as process:
        yield process


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = ensure_chromium()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser, server: ServerProcess) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 820}, device_scale_factor=1)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(server.url + "/")
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def api_report(server: ServerProcess, text: str) -> dict[str, Any]:
    response = httpx.post(server.url + "/v1/check", json={"text": text, "date": DATE},
                          headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert response.status_code == 200, response.text
    report = response.json()
    assert not list(validator("report").iter_errors(report))
    return report


def type_draft(page: Page, text: str) -> None:
    """Paste most of the draft and type its last line key by key, as a reporter would."""
    head, _, last = text.rstrip("\n").rpartition("\n")
    editor = page.locator("#draft")
    editor.fill(head + "\n")
    editor.press("End")
    editor.press_sequentially(last + "\n", delay=5)


def wait_for_marks(page: Page, count: int) -> None:
    page.wait_for_function("n => document.querySelectorAll('#highlights mark.hl').length === n", arg=count,
                           timeout=30000)


def test_highlights_match_the_api_per_category(page: Page, server: ServerProcess) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    report = api_report(server, text)
    expected = Counter(f["category"] for f in report["findings"])
    assert len(expected) >= 3 and sum(expected.values()) >= 10  # the example exercises several categories

    page.fill("#token", TOKEN)
    page.fill("#date", DATE)
    type_draft(page, text)
    wait_for_marks(page, len(report["findings"]))

    shown = page.eval_on_selector_all("#highlights mark.hl", "marks => marks.map(m => m.dataset.category)")
    assert Counter(shown) == expected
    # each finding's highlight pieces cover exactly its words, and carry its category's colour class
    pieces = page.evaluate("""() => {
        const out = {};
        for (const m of document.querySelectorAll('#highlights mark')) {
            const i = m.dataset.index;
            out[i] = out[i] || {text: '', classes: m.className};
            out[i].text += m.textContent;
        }
        return out;
    }""")
    for index, finding in enumerate(report["findings"]):
        piece = pieces[str(index)]
        assert piece["text"] == finding["text"], (finding, piece)
        colour = finding["category"] if finding["category"] in {
            "hedge", "unverified", "denial", "number", "date", "consistency"} else "other"
        assert f"cat-{colour}" in piece["classes"]
    legend = dict(page.eval_on_selector_all("#legend li", "items => items.map(li => [li.dataset.bucket, "
                                            "Number(li.querySelector('b').textContent)])"))
    for category, count in expected.items():
        assert legend[category] == count
    assert page.locator("#findings .finding").count() == len(report["findings"])
    assert page.locator("#count").inner_text() == str(len(report["findings"]))
    assert f"{len(report['findings'])} findings" in page.locator("#status").inner_text()


def test_clicking_a_message_scrolls_to_and_flashes_its_highlight(page: Page, server: ServerProcess) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    report = api_report(server, text)
    page.fill("#token", TOKEN)
    page.fill("#date", DATE)
    type_draft(page, text)
    wait_for_marks(page, len(report["findings"]))
    page.evaluate("() => { const d = document.getElementById('draft'); d.scrollTop = 0; d.dispatchEvent("
                  "new Event('scroll')); }")
    last = len(report["findings"]) - 1
    mark = page.locator(f'#highlights mark.hl[data-index="{last}"]')

    def visible() -> bool:
        return page.evaluate("""i => {
            const mark = document.querySelector(`#highlights mark.hl[data-index="${i}"]`).getBoundingClientRect();
            const box = document.getElementById('draft').getBoundingClientRect();
            return mark.top >= box.top && mark.bottom <= box.bottom;
        }""", last)

    assert page.evaluate("() => document.getElementById('draft').scrollHeight > "
                         "document.getElementById('draft').clientHeight"), "the example must overflow the editor"
    assert not visible(), "the last finding should start out of view"

    page.locator(f'#findings .finding[data-index="{last}"]').click()
    page.wait_for_selector(f'#highlights mark.hl.flash[data-index="{last}"]', timeout=2000)
    assert visible()
    scroll = page.evaluate("() => [document.getElementById('draft').scrollTop, "
                           "document.getElementById('backdrop').scrollTop]")
    assert scroll[0] > 0 and scroll[0] == scroll[1]  # the highlights moved with the text
    assert "active" in (page.locator(f'#findings .finding[data-index="{last}"]').get_attribute("class") or "")
    assert page.evaluate("() => document.getElementById('draft').selectionStart") == \
        len(text[: report["findings"][last]["span"]["start"]])
    assert mark.text_content() == report["findings"][last]["text"]
    page.wait_for_function(f"() => !document.querySelector('#highlights mark.flash[data-index=\"{last}\"]')",
                           timeout=5000)

    # the screenshot: a finding in the middle selected, the list scrolled to it
    middle = len(report["findings"]) // 2
    page.locator(f'#findings .finding[data-index="{middle}"]').click()
    page.wait_for_timeout(1900)  # let the flash finish so the picture shows the resting colours
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "playground.png"))
    assert (ARTIFACTS / "playground.png").stat().st_size > 10_000


def test_without_the_token_the_page_asks_for_it(page: Page) -> None:
    page.locator("#draft").press_sequentially("It was reportedly seen.", delay=5)
    page.wait_for_function("() => document.getElementById('status').textContent.includes('token')", timeout=15000)
    assert "error" in (page.locator("#status").get_attribute("class") or "")
    assert "needed" in (page.locator("label.token").get_attribute("class") or "")
    assert page.locator("#highlights mark.hl").count() == 0
    page.fill("#token", TOKEN)
    page.locator("#token").dispatch_event("change")
    wait_for_marks(page, 1)
    assert page.locator("#highlights mark.hl").get_attribute("data-category") == "hedge"


def test_load_example_button(page: Page, server: ServerProcess) -> None:
    page.fill("#token", TOKEN)
    page.locator("#token").dispatch_event("change")
    page.click("#example")
    report = api_report(server, EXAMPLE.read_text(encoding="utf-8"))
    wait_for_marks(page, len(report["findings"]))
    assert page.input_value("#date") == DATE


def test_installed_wheel_serves_the_playground(tmp_path: Path) -> None:
    """The page's files are package data: a wheel installed outside the checkout serves them."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "--disable-pip-version-check", str(ROOT), "-w", str(tmp_path / "dist")],
                           capture_output=True, text=True, env=env, timeout=300)
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("factrules-*.whl")
    static = sorted(p.name for p in (ROOT / "factrules" / "server" / "static").iterdir() if p.is_file())
    names = zipfile.ZipFile(wheel).namelist()
    assert all(f"factrules/server/static/{name}" in names for name in static), names
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    installed = subprocess.run([python, "-m", "pip", "install", "--no-deps", "--force-reinstall", "-q",
                                "--disable-pip-version-check", str(wheel)], capture_output=True, text=True, env=env)
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "newsroom"
    elsewhere.mkdir()
    where = subprocess.run([python, "-c", "import factrules.server.app as s; print(s.STATIC_DIR)"], cwd=elsewhere,
                           capture_output=True, text=True, env=env, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv), where
    with ServerProcess(python=python, cwd=str(elsewhere), env={"FACTRULES_TOKEN": None, "PYTHONPATH": None}) as served:
        page = httpx.get(served.url + "/", timeout=30)
        assert page.status_code == 200 and "playground.js" in page.text
        script = httpx.get(served.url + "/static/playground.js", timeout=30)
        assert script.text == (ROOT / "factrules" / "server" / "static" / "playground.js").read_text(encoding="utf-8")


def test_caret_on_a_highlight_selects_its_message(page: Page, server: ServerProcess) -> None:
    text = "The weather was fine.\nThe ministry reportedly denied it.\n"
    page.fill("#token", TOKEN)
    page.locator("#token").dispatch_event("change")
    page.fill("#draft", text)
    report = api_report(server, text)
    wait_for_marks(page, len(report["findings"]))
    index = next(i for i, f in enumerate(report["findings"]) if f["text"] == "reportedly")
    assert "active" not in (page.locator(f'#findings .finding[data-index="{index}"]').get_attribute("class") or "")
    page.evaluate("at => { const d = document.getElementById('draft'); d.focus(); d.setSelectionRange(at, at); "
                  "d.dispatchEvent(new KeyboardEvent('keyup', {key: 'ArrowRight'})); }",
                  report["findings"][index]["span"]["start"] + 2)
    assert "active" in (page.locator(f'#findings .finding[data-index="{index}"]').get_attribute("class") or "")


HOUSE_PACK = """\
pack: house
version: 1.0.0
description: A newsroom's own pack, with a category the playground has no colour for.
defaults: {category: house-style, severity: info, scope: sentence}
rules:
  - id: alpha-beta
    kind: pattern
    pattern: '\\balpha beta\\b'
    message: "'{text}': house style"
    examples: {match: ["alpha beta"]}
  - id: beta-gamma
    kind: pattern
    category: hedge
    pattern: '\\bbeta gamma\\b'
    message: "'{text}': crosses the other one"
    examples: {match: ["beta gamma"]}
  - id: whole
    kind: pattern
    pattern: '\\balpha beta gamma delta\\b'
    message: "'{text}': contains both"
    examples: {match: ["alpha beta gamma delta"]}
"""


def test_crossing_and_custom_category_highlights(browser: Browser, tmp_path: Path) -> None:
    """Overlapping findings nest or split into pieces, yet make one highlight each; unknown categories are grey."""
    pack = tmp_path / "house.yaml"
    pack.write_text(HOUSE_PACK, encoding="utf-8")
    text = "Say alpha beta gamma delta now.\n"
    with ServerProcess(["--rules", str(pack)], env={"FACTRULES_TOKEN": None}) as served:
        report = httpx.post(served.url + "/v1/check", json={"text": text}, timeout=60).json()
        assert sorted(f["rule"] for f in report["findings"]) == ["house.alpha-beta", "house.beta-gamma", "house.whole"]
        context = browser.new_context(viewport={"width": 1200, "height": 700})
        tab = context.new_page()
        tab.goto(served.url + "/")
        tab.fill("#draft", text)
        wait_for_marks(tab, 3)
        marks = tab.evaluate("""() => [...document.querySelectorAll('#highlights mark')].map(m => ({
            index: m.dataset.index, first: m.classList.contains('hl'), category: m.dataset.category || null,
            colour: [...m.classList].find(c => c.startsWith('cat-')), text: m.textContent}))""")
        context.close()
    by_rule = {f["rule"]: str(i) for i, f in enumerate(report["findings"])}
    pieces = {rule: [m for m in marks if m["index"] == index] for rule, index in by_rule.items()}
    for rule, index in by_rule.items():
        finding = report["findings"][int(index)]
        assert "".join(m["text"] for m in pieces[rule]) == finding["text"]
        assert sum(m["first"] for m in pieces[rule]) == 1
    assert len(pieces["house.beta-gamma"]) == 2  # crosses alpha-beta: split into a highlight and a continuation
    assert {m["colour"] for m in pieces["house.alpha-beta"]} == {"cat-other"}
    assert [m["category"] for m in pieces["house.alpha-beta"] if m["first"]] == ["house-style"]
    assert {m["colour"] for m in pieces["house.beta-gamma"]} == {"cat-hedge"}
