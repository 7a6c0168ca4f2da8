"""``factrules serve``: the real server in a child process, spoken to over HTTP on loopback.

Two servers per module: an open one (no token, default 2 MB limit, one CORS
origin) and a locked one (``FACTRULES_TOKEN`` set, 1 KiB limit, no CORS).
"""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from factrules.findings import validator
from factrules.testing import ServerProcess

TOKEN = "test-token-8c1f"
CMS = "https://cms.example"
#: the only media type /v1/check accepts; the clients send it on every request
JSON = {"Content-Type": "application/json"}
DRAFT = (
    "The ministry reportedly denied the claims on Tuesday.\n"
    "Officials are believed to have moved as many as 100 fighters, sources said.\n"
    "A spokesman categorically denied that its troops were involved.\n"
)

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def open_server() -> Iterator[ServerProcess]:
    with ServerProcess(["--cors-origin", CMS], env={"FACTRULES_TOKEN": None}) as server:
        yield server


@pytest.fixture(scope="module")
def locked_server() -> Iterator[ServerProcess]:
    with ServerProcess(["--max-body", "1K"], env={"FACTRULES_TOKEN": TOKEN}) as server:
        yield server


@pytest.fixture(scope="module")
def client(open_server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=open_server.url, timeout=60, headers=JSON) as http:
        yield http


@pytest.fixture(scope="module")
def locked(locked_server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=locked_server.url, timeout=60, headers=JSON) as http:
        yield http


def assert_report(report: dict[str, Any]) -> None:
    errors = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator("report").iter_errors(report)]
    assert not errors, errors


def assert_error(response: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"error", "message", "field"} and body["message"], body
    for word in words:
        assert word in body["message"], body
    return body


# -- POST /v1/check ---------------------------------------------------------------------------------------------


def test_server_binds_loopback_by_default(open_server: ServerProcess) -> None:
    assert open_server.url.startswith("http://127.0.0.1:")


def test_check_returns_the_cli_report(client: httpx.Client, cli_proc: Any) -> None:
    response = client.post("/v1/check", json={"text": DRAFT, "date": "2018-02-16"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert_report(report)
    categories = {f["category"] for f in report["findings"]}
    assert {"hedge", "denial", "unverified"} <= categories
    for finding in report["findings"]:
        assert DRAFT[finding["span"]["start"]:finding["span"]["end"]] == finding["text"]
        assert finding["path"] == "-"
    cli = cli_proc("check", "-", "--format", "json", "--date", "2018-02-16", stdin=DRAFT)
    assert cli.json["findings"] == report["findings"]
    assert cli.json["summary"] == report["summary"]


def test_packs_select_and_ignore_narrow_the_rules(client: httpx.Client) -> None:
    def rules_for(**body: Any) -> set[str]:
        response = client.post("/v1/check", json={"text": DRAFT, **body})
        assert response.status_code == 200, response.text
        assert_report(response.json())
        return {f["rule"] for f in response.json()["findings"]}

    everything = rules_for()
    assert {r.split(".")[0] for r in rules_for(packs=["hedges"])} == {"hedges"}
    assert "hedges.reportedly" in everything
    assert rules_for(ignore=["hedges.reportedly"]) == everything - {"hedges.reportedly"}
    denials = rules_for(select=["denial"])
    assert denials and all(r.startswith("denials.") for r in denials)
    assert rules_for(packs=["hedges"], select=["denial"]) == set()


def test_every_advertised_format_is_accepted(client: httpx.Client) -> None:
    formats = client.get("/healthz").json()["formats"]
    assert "text" in formats
    for name in formats:
        response = client.post("/v1/check", json={"text": "It was reportedly seen.\n", "format": name})
        assert response.status_code == 200, (name, response.text)
        assert [f["rule"] for f in response.json()["findings"]] == ["hedges.reportedly"]
    assert_error(client.post("/v1/check", json={"text": "x", "format": "docx"}), 422, "format")


def test_date_resolves_relative_dates_and_wins_over_front_matter(client: httpx.Client) -> None:
    draft = "---\ndate: 2018-02-16\n---\n\nThe fire started yesterday.\n"

    def resolved(**body: Any) -> list[str]:
        response = client.post("/v1/check", json={"text": draft, "format": "markdown", **body})
        assert response.status_code == 200, response.text
        assert_report(response.json())
        found = [f for f in response.json()["findings"] if f["text"] == "yesterday"]
        assert [draft[f["span"]["start"]:f["span"]["end"]] for f in found] == ["yesterday"]
        return [f["data"]["resolved_start"] for f in found]

    assert resolved() == ["2018-02-15"]
    assert resolved(date="2024-03-15") == ["2024-03-14"]


def test_html_spans_point_into_the_markup_sent(client: httpx.Client) -> None:
    html = "<p>The fire started <b>yesterday</b>, officials reportedly said.</p>"
    report = client.post("/v1/check", json={"text": html, "format": "html", "date": "2024-03-15"}).json()
    assert_report(report)
    assert {html[f["span"]["start"]:f["span"]["end"]] for f in report["findings"]} >= {"yesterday", "reportedly"}


def test_text_quirks_keep_offsets(client: httpx.Client) -> None:
    for text in ("\ufeffIt reportedly rained.", "\x00It reportedly rained.", "Ünïcödé 🙂 it reportedly rained."):
        report = client.post("/v1/check", json={"text": text}).json()
        assert_report(report)
        [finding] = report["findings"]
        assert text[finding["span"]["start"]:finding["span"]["end"]] == "reportedly"


def test_empty_draft_is_reported_not_refused(client: httpx.Client) -> None:
    report = client.post("/v1/check", json={"text": "  \n"}).json()
    assert_report(report)
    assert report["findings"] == [] and report["errors"][0]["kind"] == "empty-file"


@pytest.mark.parametrize("body", [b"{bad", b"", b'{"text": NaN}', b"\xff\xfe{", b"[" * 100000])
def test_malformed_json_is_400(client: httpx.Client, body: bytes) -> None:
    response = client.post("/v1/check", content=body, headers={"Content-Type": "application/json"})
    assert_error(response, 400)


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({}, None, ["'text' is a required property"]),
        ([], None, ["not of type 'object'"]),
        ({"text": 5}, "text", ["field 'text'"]),
        ({"text": "x", "date": "2018-02-30"}, "date", ["field 'date'", "YYYY-MM-DD"]),
        ({"text": "x", "date": "yesterday"}, "date", ["field 'date'"]),
        ({"text": "x", "packs": ["no-such-pack"]}, "packs", ["field 'packs.0'"]),
        ({"text": "x", "select": "hedges"}, "select", ["field 'select'"]),
        ({"text": "x", "ignore": [1]}, "ignore", ["field 'ignore.0'"]),
        ({"text": "x", "colour": "red"}, None, ["'colour' was unexpected"]),
    ],
)
def test_wrong_fields_are_422(client: httpx.Client, body: Any, field: str | None, words: list[str]) -> None:
    payload = assert_error(client.post("/v1/check", json=body), 422, *words)
    assert payload.get("field") == field


def test_lone_surrogate_is_422(client: httpx.Client) -> None:
    response = client.post("/v1/check", content=b'{"text": "a \\ud800 b"}')
    assert_error(response, 422, "surrogate")


def test_wrong_method_and_path_are_json_errors(client: httpx.Client) -> None:
    response = client.delete("/v1/check")
    assert_error(response, 405)
    assert response.headers["allow"] == "POST"
    assert_error(client.get("/v1/nothing"), 404)


# -- limits -------------------------------------------------------------------------------------------------------


def test_default_body_limit_is_2_mb(client: httpx.Client) -> None:
    body = json.dumps({"text": "x" * (2 * 1024 * 1024)}).encode()
    assert_error(client.post("/v1/check", content=body), 413, "2097152")


def test_body_limit_by_content_length_and_by_stream(locked: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    small = json.dumps({"text": "It reportedly rained. " + "y" * 900}).encode()
    assert len(small) <= 1024
    assert locked.post("/v1/check", content=small, headers=auth).status_code == 200
    big = json.dumps({"text": "y" * 1100}).encode()
    assert_error(locked.post("/v1/check", content=big, headers=auth), 413, "1024")

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer, counted while streaming
        yield b'{"text": "'
        for _ in range(20):
            yield b"z" * 100
        yield b'"}'

    assert_error(locked.post("/v1/check", content=chunks(), headers=auth), 413)


# -- auth ---------------------------------------------------------------------------------------------------------


def test_token_is_required_on_v1(locked: httpx.Client) -> None:
    body = {"text": "It reportedly rained."}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": TOKEN}, {"Authorization": f"Bearer {TOKEN}x"}):
        response = locked.post("/v1/check", json=body, headers=headers)
        assert_error(response, 401, "Bearer")
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert_error(locked.get("/v1/rules"), 401)
    good = {"Authorization": f"Bearer {TOKEN}"}
    response = locked.post("/v1/check", json=body, headers=good)
    assert response.status_code == 200
    assert_report(response.json())
    assert locked.get("/v1/rules", headers=good).status_code == 200


def test_public_paths_need_no_token(locked: httpx.Client) -> None:
    assert locked.get("/healthz").status_code == 200
    assert locked.get("/openapi.json").status_code == 200
    page = locked.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_open_server_needs_no_token(client: httpx.Client) -> None:
    assert client.post("/v1/check", json={"text": "x"}).status_code == 200


# -- CORS ---------------------------------------------------------------------------------------------------------


def test_cors_only_for_configured_origins(client: httpx.Client, locked: httpx.Client) -> None:
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    allowed = client.options("/v1/check", headers={"Origin": CMS, **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == CMS
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    simple = client.post("/v1/check", json={"text": "x"}, headers={"Origin": CMS})
    assert simple.headers["access-control-allow-origin"] == CMS
    other = client.post("/v1/check", json={"text": "x"}, headers={"Origin": "https://evil.example"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
    refused = client.options("/v1/check", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in refused.headers
    none_configured = locked.get("/healthz", headers={"Origin": CMS})
    assert not [h for h in none_configured.headers if h.startswith("access-control-")]


# -- GET /v1/rules, /healthz, /openapi.json ---------------------------------------------------------------------


def test_rules_lists_every_rule(client: httpx.Client, cli_proc: Any) -> None:
    response = client.get("/v1/rules")
    assert response.status_code == 200
    body = response.json()
    listed = cli_proc("rules", "list")
    assert listed.code == 0
    cli_ids = [line.split()[0] for line in listed.out.splitlines()[1:] if line.strip()]  # after the header
    assert [r["id"] for r in body["rules"]] == cli_ids
    for rule in body["rules"]:
        assert set(rule) == {"id", "pack", "kind", "category", "severity", "enabled", "description"}
        assert rule["id"].startswith(rule["pack"] + ".")
    assert {p["name"] for p in body["packs"]} == {r["pack"] for r in body["rules"]}
    schema = client.get("/openapi.json").json()
    components = {"components": schema["components"]}
    rule_list = Draft202012Validator({**components, "$ref": "#/components/schemas/RuleList"})
    assert not list(rule_list.iter_errors(body))


def test_openapi_document(client: httpx.Client, locked: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    validate_openapi(document)
    assert set(document["paths"]) == {"/v1/check", "/v1/rules", "/healthz", "/"}
    check = document["paths"]["/v1/check"]["post"]
    assert {"200", "400", "413", "422"} <= set(check["responses"])
    assert "security" not in check and "securitySchemes" not in document["components"]
    request = document["components"]["schemas"]["CheckRequest"]
    assert set(request["properties"]) == {"text", "format", "date", "packs", "select", "ignore"}
    assert request["properties"]["format"]["enum"] == client.get("/healthz").json()["formats"]
    # the report a check returns validates against the OpenAPI copy of the report schema
    report = client.post("/v1/check", json={"text": DRAFT}).json()
    components = {"components": document["components"]}
    assert not list(Draft202012Validator({**components, "$ref": "#/components/schemas/Report"}).iter_errors(report))
    secured = locked.get("/openapi.json").json()
    validate_openapi(secured)
    assert secured["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "401" in secured["paths"]["/v1/check"]["post"]["responses"]


def test_openapi_report_schema_rejects_what_the_published_schema_rejects(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    components = {"components": document["components"]}
    report_schema = Draft202012Validator({**components, "$ref": "#/components/schemas/Report"})
    report = client.post("/v1/check", json={"text": DRAFT}).json()
    report["findings"][0]["range"]["start"]["line"] = 0
    assert list(report_schema.iter_errors(report))
    assert list(validator("report").iter_errors(report))


# -- startup failures are one line and exit 2 ------------------------------------------------------------------


def test_broken_pack_stops_the_server_before_it_listens(cli_proc: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("pack: broken\nrules:\n  - id: x\n    kind: nosuchkind\n    examples: {match: [a]}\n")
    result = cli_proc("serve", "--port", "0", "--rules", str(broken))
    assert result.code == 2
    assert "broken.yaml" in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "serving on" not in result.out


def test_busy_port_is_one_line(cli_proc: Any) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli_proc("serve", "--port", str(port))
    assert result.code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.err and "Traceback" not in result.err


def test_bad_max_body_is_a_usage_error(cli_proc: Any) -> None:
    result = cli_proc("serve", "--max-body", "lots")
    assert result.code == 2 and "not a size" in result.err


def test_without_the_server_extra_serve_says_what_to_install(cli: Any, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = cli("serve", "--port", "0")
    assert result.code == 2
    assert "pip install 'factrules[server]'" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_workers_share_the_port_and_stop_together() -> None:
    import time

    with ServerProcess(["--workers", "2"], env={"FACTRULES_TOKEN": "w"}) as server:
        assert server.process is not None
        auth = {"Authorization": "Bearer w"}
        for _ in range(4):
            response = httpx.post(server.url + "/v1/check", json={"text": "It reportedly rained."}, headers=auth)
            assert response.status_code == 200
            assert_report(response.json())
        assert httpx.post(server.url + "/v1/check", json={"text": "x"}).status_code == 401
        children = [int(pid) for pid in Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
                    .read_text().split()]
        assert len(children) >= 2
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in children):
        time.sleep(0.1)
    alive = [pid for pid in children if Path(f"/proc/{pid}").exists() and
             Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"]
    assert not alive, f"workers left running: {alive}"


def test_unknown_selector_is_422_naming_it(client: httpx.Client) -> None:
    """``"select": ["hedgez"]`` used to answer 200 with no findings: a check switched off by one letter."""
    body = assert_error(client.post("/v1/check", json={"text": DRAFT, "select": ["hedgez"]}), 422, "hedgez")
    assert body["field"] == "select" and "hedges" in body["message"]
    body = assert_error(client.post("/v1/check", json={"text": DRAFT, "ignore": ["hedges.*x"]}), 422, "hedges.*x")
    assert body["field"] == "ignore"
