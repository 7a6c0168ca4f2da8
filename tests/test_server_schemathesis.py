"""Property-based tests of the live server against its own ``/openapi.json`` (schemathesis).

Every operation gets generated requests, valid and invalid; every response
must pass all of schemathesis' checks: no 5xx, documented status codes,
content types and headers, bodies valid against the response schema, valid
data rejected, and the bearer token actually enforced.  The server runs with a
token so that last check has something to check.

One check is left out: "valid data accepted" (``positive_data_acceptance``).
A selector in ``select``/``ignore`` that names no loaded rule is refused with
422 on purpose (issue 13: a typo must not switch a check off), and whether a
string or glob names a loaded rule is not something a JSON Schema can say, so
schemathesis would count ``"ignore": ["00"]`` as valid data wrongly refused.
``test_every_known_selector_is_accepted`` below covers acceptance instead.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from factrules.testing import ServerProcess

TOKEN = "schemathesis-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def live_server() -> Iterator[ServerProcess]:
    with ServerProcess(["--max-body", "64K"], env={"FACTRULES_TOKEN": TOKEN}) as server:
        yield server


@pytest.fixture(scope="module")
def schemathesis_run(
    live_server: ServerProcess, tmp_path_factory: pytest.TempPathFactory
) -> subprocess.CompletedProcess:
    """One run of schemathesis' own runner (its CLI; its pytest plugin breaks with new pytest releases)."""
    return subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", live_server.url + "/openapi.json", "--checks", "all",
         "--exclude-checks", "positive_data_acceptance",
         "--header", f"Authorization: Bearer {TOKEN}", "--max-examples", "40", "--seed", "2018",
         "--suppress-health-check", "all", "--request-timeout", "60", "--no-color"],
        capture_output=True, text=True, timeout=840, cwd=tmp_path_factory.mktemp("schemathesis"),
    )


def test_api_conforms_to_its_openapi(schemathesis_run: subprocess.CompletedProcess) -> None:
    """All checks (no 5xx, status codes, response schemas, positive/negative data, ignored auth) pass."""
    output = schemathesis_run.stdout
    assert schemathesis_run.returncode == 0, output[-4000:] + schemathesis_run.stderr[-2000:]
    assert "No issues found" in output, output[-2000:]


def test_every_operation_was_exercised(schemathesis_run: subprocess.CompletedProcess) -> None:
    output = schemathesis_run.stdout
    selected = re.search(r"Selected: (\d+)/(\d+)", output)
    tested = re.search(r"Tested: (\d+)", output)
    generated = re.search(r"(\d+) generated, (\d+) passed", output)
    assert selected and tested and generated, output[-2000:]
    assert int(selected.group(1)) == int(selected.group(2)) == int(tested.group(1)) >= 4
    assert int(generated.group(1)) >= 50 and generated.group(1) == generated.group(2)


def test_every_known_selector_is_accepted(live_server: ServerProcess) -> None:
    """What the excluded check would have covered: every id, pack and category the server lists is accepted."""
    import httpx

    with httpx.Client(base_url=live_server.url, headers=AUTH, timeout=60) as client:
        listed = client.get("/v1/rules").json()["rules"]
        names = sorted({r["id"] for r in listed} | {r["pack"] for r in listed} | {r["category"] for r in listed})
        for field in ("select", "ignore"):
            response = client.post("/v1/check", json={"text": "It reportedly fell.", field: names})
            assert response.status_code == 200, response.text
        refused = client.post("/v1/check", json={"text": "It reportedly fell.", "ignore": ["00"]})
        assert refused.status_code == 422 and refused.json()["field"] == "ignore"
