"""Make a scaled copy of the edition: every document replicated N times.

Each copy gets a fresh document key (``dikova`` -> ``dikovaxb``, …), so all its
ids and internal pointers are fresh, while pointers into the registers stay as
they are. The result is an edition root that ``edition build`` can build.

    python bench/scale.py 10 /tmp/edition-10x
"""

from __future__ import annotations

import re
import shutil
import string
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT_KEYS = ("article", "dikova", "slides", "onthisday", "bakulin")
#: What is not part of the edition's sources (the package itself is installed in the venv).
NOT_COPIED = {"_build", ".venv", ".git", "tei", "tests", "bench", "edition", "tools", "README.md", "Makefile", "pyproject.toml"}


def copy_suffix(i: int) -> str:
    """A lowercase-letters suffix for copy ``i`` (0 -> '', 1 -> 'xb', …) keeping keys [a-z]+."""
    if i == 0:
        return ""
    letters = string.ascii_lowercase
    out = ""
    while i:
        i, r = divmod(i, 26)
        out = letters[r] + out
    return "x" + out


def fresh_ids(text: str, key: str, new_key: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every id it defines made new: the key's ids by key, the others
    (``xml:id="duplicate"`` of a taxonomy, say) by suffix, and the pointers to them."""
    text = pattern.sub(new_key, text)
    suffix = new_key[len(key):]
    for other in set(re.findall(r'xml:id="([^"]+)"', text)):
        if other != new_key and not other.startswith(f"{new_key}-"):
            text = re.sub(rf'(?<=xml:id="){re.escape(other)}(?=")|(?<=#){re.escape(other)}(?=["\s])', other + suffix, text)
    return text


def scale(factor: int, dest: Path) -> list[Path]:
    """Write an edition with ``factor`` copies of each document into ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "tei").mkdir(parents=True)
    # Every source part of the edition (conf.py, index.rst, front/, registers/, xslt/ …),
    # so that parts added later are copied too.
    for src in ROOT.iterdir():
        if src.name in NOT_COPIED or src.name.startswith(".") or src.name.endswith(".egg-info"):
            continue
        if src.is_dir():
            shutil.copytree(src, dest / src.name, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        else:
            shutil.copy2(src, dest / src.name)
    for item in (ROOT / "tei").iterdir():
        if item.name in {f"{k}.xml" for k in DOCUMENT_KEYS} or item.name in {"drafts", "anchors.tsv"}:
            continue
        (shutil.copytree if item.is_dir() else shutil.copy2)(item, dest / "tei" / item.name)
    written: list[Path] = []
    for key in DOCUMENT_KEYS:
        text = (ROOT / "tei" / f"{key}.xml").read_text(encoding="utf-8")
        # Ids and pointers (``dikova-p0001``, ``#dikova-fn003``) and the root's own
        # ``xml:id``/``n``; never other attribute values (``div type="article"``).
        pattern = re.compile(rf'(?<=["#\s:]){key}(?=-)|(?<=xml:id="){key}(?=")|(?<= n="){key}(?=")')
        for i in range(factor):
            new_key = key + copy_suffix(i)
            out = dest / "tei" / f"{new_key}.xml"
            out.write_text(fresh_ids(text, key, new_key, pattern) if i else text, encoding="utf-8")
            written.append(out)
    copies = [p for p in written if p.stem not in DOCUMENT_KEYS]
    if copies:
        # The copies must be in a toctree, or Sphinx (-W) refuses the build.
        entries = "".join(f"   tei/{p.stem}\n" for p in copies)
        with open(dest / "index.rst", "a", encoding="utf-8") as index:
            index.write(f"\n.. toctree::\n   :hidden:\n\n{entries}")
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 3 or not argv[1].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    files = scale(int(argv[1]), Path(argv[2]))
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} documents, {size / 1e6:.1f} MB of TEI in {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
