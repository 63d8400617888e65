from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import pytest

from omega_execution._backend_select import Backend

# pytest runs with --import-mode=importlib (no sys.path insertion): make the shared helper
# module of these tests (execution_helpers.py, a name no other package uses) importable.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def wave() -> str:
    """The wave whose package these tests cover (used by the shared backend-contract tests)."""
    return "execution"


@pytest.fixture(params=["rust", "python"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each test taking this fixture runs once per backend, both in the same process."""
    return cast(Backend, request.param)
