from __future__ import annotations

from typing import cast

import pytest

from omega_portfolio._backend_select import Backend


@pytest.fixture
def wave() -> str:
    """The wave whose package these tests cover (used by the shared backend-contract tests)."""
    return "portfolio"


@pytest.fixture(params=["rust", "python"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each test taking this fixture runs once per backend, both in the same process."""
    return cast(Backend, request.param)
