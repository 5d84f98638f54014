"""A module imported on first use (issue 9: a web worker's memory).

The document and spreadsheet modules pull in openpyxl and python-docx (about 24 MB per process); most requests
never write a document. Views name such a module with `lazy_module(...)` instead of importing it, and the first
attribute read imports it (under the import lock, so threads see it whole).
"""

from __future__ import annotations

import importlib
from types import ModuleType


class LazyModule:
    def __init__(self, name: str) -> None:
        self._name = name

    def _module(self) -> ModuleType:
        return importlib.import_module(self._name)

    def __getattr__(self, attr: str):
        return getattr(self._module(), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name}>"


def lazy_module(name: str) -> LazyModule:
    return LazyModule(name)
