"""Property-based tests of the live server against its own ``/openapi.json`` (schemathesis).

Every operation gets generated requests, valid and invalid; every response
must pass all of schemathesis' checks: no 5xx, documented status codes,
content types and headers, bodies valid against the response schema, valid
data accepted, invalid data rejected, and the bearer token actually enforced.
The server runs with a token so that last check has something to check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS

from factrules.server_process import ServerProcess

TOKEN = "schemathesis-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def live_server() -> Iterator[ServerProcess]:
    with ServerProcess(["--max-body", "64K"], env={"FACTRULES_TOKEN": TOKEN}) as server:
        yield server


@pytest.fixture(scope="module")
def api_schema(live_server: ServerProcess) -> Any:
    return schemathesis.openapi.from_url(live_server.url + "/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=AUTH, checks=CHECKS.get_all())


def test_checks_include_the_ones_that_matter() -> None:
    names = {check.__name__ for check in CHECKS.get_all()}
    assert {"not_a_server_error", "response_schema_conformance", "status_code_conformance",
            "positive_data_acceptance", "negative_data_rejection", "ignored_auth"} <= names
