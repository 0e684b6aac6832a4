"""The caseload tests start from a register imported from an Ofsted-layout file, through the workspace."""

from __future__ import annotations

import pytest

from qa_desktop.workspace import Workspace
from tests.caseload.ofsted import ofsted_file


@pytest.fixture
def ws(store, tmp_path) -> Workspace:
    """The officer's workspace over a register imported from Ofsted's file (12 providers)."""
    workspace = Workspace(store)
    report = workspace.register.import_providers(ofsted_file(tmp_path)).value
    assert report.added == 12 and not report.skipped
    return workspace


@pytest.fixture
def urn(ws):
    """A provider's id by its URN."""
    return lambda text: ws.register.resolve(text)


@pytest.fixture
def setting_of(ws):
    """The (first) setting of a provider, by URN."""
    return lambda text: ws.register.page(ws.register.resolve(text)).settings[0].id
