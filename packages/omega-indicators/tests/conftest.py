import pytest


@pytest.fixture
def wave() -> str:
    """The wave whose package these tests cover (used by the shared backend-contract tests)."""
    return "indicators"
