"""The Kirov Edition: TEI sources, XSLT transformation and Sphinx publication."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _project_table() -> dict:
    """``pyproject.toml`` of a source tree: the one place the version and release date live."""
    if _PYPROJECT.exists():
        with _PYPROJECT.open("rb") as handle:
            return tomllib.load(handle)
    return {}


_table = _project_table()
try:
    __version__: str = _table["project"]["version"]
except KeyError:  # an installed package without its source tree
    try:
        __version__ = version("kirov-edition")
    except PackageNotFoundError:
        __version__ = "0.0.0"

#: The release date of this version (ISO 8601), from ``[tool.kirov-edition]``.
RELEASE_DATE: str = _table.get("tool", {}).get("kirov-edition", {}).get("release-date", "")
