"""Schemathesis against the front door's OpenAPI document: whatever it sends, the API never answers 5xx.

Requests carry a valid token of a setting account, so the generated cases reach the handlers, the
scope checks and the stage forms, not only the 401 answer. The run bridge is the test double.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from portal.accounts import Role, create_api_token, find_user
from portal.app import create_app
from records.session import session_scope
from tests.portal.conftest import make_account, urn_with_reviews


def _fuzz(operation, headers: dict[str, str], seen: list[int]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def one(case) -> None:
        response = case.call(headers=headers)
        seen.append(response.status_code)
        assert response.status_code < 500, f"{operation.label}: {response.status_code} {response.text[:300]}"

    one()


def test_the_api_never_answers_with_a_server_error(portal, factory) -> None:
    urn, _ = urn_with_reviews(factory, 1)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    with session_scope(factory) as session:
        user = find_user(session, "senco@school.example")
        assert user is not None
        token = create_api_token(session, user, "fuzz")
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(portal))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    seen: list[int] = []
    for operation in operations:
        _fuzz(operation, {"Authorization": f"Bearer {token}"}, seen)
    assert 200 in seen and 404 in seen, sorted(set(seen))  # the cases reached the handlers and the scope check
