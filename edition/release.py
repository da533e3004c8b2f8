"""The edition's release: its version and its date, each declared in one place.

The version is the package's (``pyproject.toml``, read as ``edition.__version__``);
the release date is ``[tool.kirov-edition] release-date`` in ``pyproject.toml``
(until that table exists, the ``date-released`` of ``CITATION.cff``, which a
test keeps equal).
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
_CFF_DATE = re.compile(r"""^date-released:\s*["']?(\d{4}-\d{2}-\d{2})""", re.MULTILINE)


@lru_cache(maxsize=8)
def release_date(srcdir: Path | None = None) -> str | None:
    """The edition's release date (ISO 8601), or ``None`` if it is declared nowhere.

    ``srcdir`` (the edition being built) is searched before the package's own tree.
    """
    bases = [b for b in (srcdir, PACKAGE_ROOT) if b is not None]
    for base in bases:
        pyproject = base / "pyproject.toml"
        if pyproject.exists():
            tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("kirov-edition", {})
            if tool.get("release-date"):
                return str(tool["release-date"])
    for base in bases:
        cff = base / "CITATION.cff"
        if cff.exists():
            found = _CFF_DATE.search(cff.read_text(encoding="utf-8"))
            if found:
                return found.group(1)
    return None
