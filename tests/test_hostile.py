"""Hostile and broken input: a clear message and a non-zero exit, never a crash or a leak."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_edition

TEI_OPEN = '<TEI xmlns="http://www.tei-c.org/ns/1.0">'

CASES: dict[str, tuple[bytes, str]] = {
    "xxe-file": (
        b'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + TEI_OPEN.encode() + b"<text><body><p>&x;</p></body></text></TEI>",
        "[xml-entity]",
    ),
    "xxe-http": (
        b'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>'
        + TEI_OPEN.encode() + b"<text><body><p>&x;</p></body></text></TEI>",
        "[xml-entity]",
    ),
    "billion-laughs": (
        b'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        + TEI_OPEN.encode() + b"<text><body><p>&d;&d;&d;&d;</p></body></text></TEI>",
        "[xml-entity]",
    ),
    "external-dtd": (
        b'<?xml version="1.0"?><!DOCTYPE TEI SYSTEM "http://127.0.0.1:9/tei.dtd">' + TEI_OPEN.encode() + b"</TEI>",
        "[xml-dtd]",
    ),
    "deep-nesting": (
        TEI_OPEN.encode() + b"<text><body>" + b"<div>" * 100_000 + b"</div>" * 100_000 + b"</body></text></TEI>",
        "[xml-wellformed]",
    ),
    "invalid-utf8": (TEI_OPEN.encode() + b"<text><body><p>\xff\xfe</p></body></text></TEI>", "[xml-wellformed]"),
    "empty": (b"", "[xml-empty]"),
    "binary": (bytes(range(256)) * 64, "[xml-wellformed]"),
    "non-tei-root": (b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "[rng]"),
}


@pytest.mark.parametrize("case", CASES)
def test_hostile_file_is_refused_clearly(tmp_path: Path, case: str):
    data, rule = CASES[case]
    bad = tmp_path / f"{case}.xml"
    bad.write_bytes(data)
    proc = run_edition("validate", str(bad), timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-2000:]
    assert "Traceback" not in out
    assert f"{case}.xml:" in out and rule in out, out[-2000:]
    assert "root:" not in out  # nothing of /etc/passwd leaks into a message


def test_huge_text_node_is_refused(tmp_path: Path):
    """A 200 MB text node is refused by the parser's limits, not loaded."""
    bad = tmp_path / "huge.xml"
    with bad.open("wb") as handle:
        handle.write(TEI_OPEN.encode() + b"<text><body><p>")
        chunk = b"a" * (1 << 20)
        for _ in range(200):
            handle.write(chunk)
        handle.write(b"</p></body></text></TEI>")
    proc = run_edition("validate", str(bad), timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-2000:]
    assert "Traceback" not in out and "huge.xml:" in out
