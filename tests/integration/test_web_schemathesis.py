"""schemathesis against the app's OpenAPI document (/api/openapi.json), served by uvicorn on a loopback port
over the seeded web test home (with linkage pairs and outbreak alerts), called with an analyst's API token:
generated requests for every operation, and no response may be a server error (5xx).

Examples are limited (a few per operation) so that the run stays near a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from placehub.govern import create_token  # noqa: E402
from placehub.store import open_catalogue  # noqa: E402
from placehub.web.app import create_app  # noqa: E402
from placehub.web.config import WebSettings  # noqa: E402
from tests.web._web_helpers import PURPOSE, make_settings, serve  # noqa: E402
from tests.web._web_pages2_helpers import seed_pages2  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("web-schemathesis"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]  # fmt: skip

EXAMPLES_PER_OPERATION = 10


@dataclass(frozen=True)
class Served:
    base: str
    token: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = make_settings(tmp_path_factory.mktemp("schemathesis") / "home")
    seed_pages2(home)
    catalogue = open_catalogue(home.database_url)
    token = create_token(catalogue, "ana", PURPOSE)
    catalogue.dispose()
    app = create_app(home, WebSettings(secret_key="schemathesis-test-key-" + "s" * 32))
    with serve(app) as base:
        yield Served(base, token)


def _exercise(operation, headers: dict[str, str], calls: dict[str, int], failures: list[str]) -> None:  # type: ignore[no-untyped-def]
    """One Hypothesis run of generated cases for one operation, derandomised so that failures repeat."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(headers=headers)
        calls[operation.label] = calls.get(operation.label, 0) + 1
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: "
                            f"{response.text[:300]}")  # fmt: skip

    run()


def test_no_server_errors(served: Served) -> None:
    # The operations are iterated here: schemathesis's pytest plugin does not run under pytest 9 yet
    # ("'Function' object has no attribute '_nodeid'").
    schema = schemathesis.openapi.from_url(served.base + "/api/openapi.json")
    headers = {"Authorization": f"Bearer {served.token}"}
    failures: list[str] = []
    calls: dict[str, int] = {}
    for result in schema.get_all_operations():
        _exercise(result.ok(), headers, calls, failures)
    assert failures == []
    # every operation of the document was exercised, including the linkage review and outbreak endpoints
    assert {"GET /api/link-review/{pair_id}", "POST /api/link-review/{pair_id}", "GET /api/outbreaks",
            "GET /api/outbreaks/map"} <= set(calls)  # fmt: skip
    assert set(calls) == {f"{m.upper()} {p}" for p, ops in schema.raw_schema["paths"].items() for m in ops}
