import pytest


@pytest.fixture(autouse=True)
def _no_foreign_gate(monkeypatch):
    """These tests are about reports; the cases app's major-matter gate is stubbed out (tests set their own)."""
    from sanfang.core import extensions

    monkeypatch.setitem(extensions._PROVIDERS, "major_matter.status", [])
