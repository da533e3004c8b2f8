"""The editors' command-line tools: actionable ``edition validate`` output, and
annotation helpers (``suggest``, ``new-id``, ``tag``) that never change the text or an id.

The per-rule failing snippets and the API of the validator are in
``test_validate.py``; here the *command* is checked as an editor sees it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import copy_edition, run_edition
from lxml import etree

from edition import anchors
from edition.documents import DOCUMENTS
from edition.fidelity import source_text
from edition.xmlsafe import parse_file

ROOT = Path(__file__).resolve().parents[1]
INVALID = ROOT / "tests" / "fixtures" / "invalid"
HEAD = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): \[(?P<rule>[\w-]+)\] (?P<message>.+)$")
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


# --------------------------------------------------------------------------- edition validate


@pytest.fixture(scope="module")
def invalid_run() -> tuple[str, dict]:
    """``edition validate`` on every bad fixture at once, as text and as JSON."""
    files = [str(p.relative_to(ROOT)) for p in sorted(INVALID.glob("*.xml"))]
    text = run_edition("validate", *files)
    data = run_edition("validate", "--format", "json", *files)
    assert text.returncode == 1 and data.returncode == 1
    return text.stdout, json.loads(data.stdout)


def test_every_problem_is_one_located_line_and_one_line_of_advice(invalid_run) -> None:
    lines = invalid_run[0].splitlines()
    summary = lines.pop()
    assert re.fullmatch(r"edition validate: \d+ files, \d+ errors, \d+ warnings", summary)
    assert len(lines) % 2 == 0
    rules = set()
    for head, advice in zip(lines[::2], lines[1::2]):
        match = HEAD.match(head)
        assert match, head
        path = ROOT / match["path"]
        assert path.exists() and int(match["line"]) >= 1 and int(match["col"]) >= 1, head
        assert advice.startswith("    ") and advice.strip() and not HEAD.match(advice.strip()), advice
        rules.add(match["rule"])
    # Every Schematron rule and every cross-file check fires on its fixture.
    assert {"xmlid-required", "date-iso8601", "edit-resp", "supplied-reason", "pb-cert-resp",
            "footnote-sequence", "editorial-note-resp", "xmlid-unique", "pointer", "odd-element",
            "odd-value", "xml-wellformed"} <= rules


def test_the_issue_examples_through_the_command(invalid_run) -> None:
    out = invalid_run[0]
    assert re.search(r"^tests/fixtures/invalid/pointer\.xml:\d+:1: \[pointer\] unknown person #stalln: "
                     r"did you mean #stalin\?$", out, re.M)
    line_a = next(i for i, l in enumerate((INVALID / "xmlid-unique-a.xml").read_text().splitlines(), 1)
                  if 'xml:id="fx-shared-p0001"' in l)
    assert re.search(rf"^tests/fixtures/invalid/xmlid-unique-b\.xml:\d+:1: \[xmlid-unique\] xml:id fx-shared-p0001 "
                     rf"already used in tests/fixtures/invalid/xmlid-unique-a\.xml:{line_a}$", out, re.M)


def test_json_output_has_the_same_problems(invalid_run) -> None:
    text, data = invalid_run
    assert data["ok"] is False
    problems = data["errors"] + data["warnings"]
    heads = [l for l in text.splitlines() if HEAD.match(l)]
    assert len(problems) == len(heads)
    for problem in problems:
        assert set(problem) >= {"path", "line", "column", "rule", "message", "advice", "severity"}
        assert problem["advice"]
        label = "warning: " if problem["severity"] == "warning" else ""
        assert f"{problem['path']}:{problem['line']}:{problem['column']}: [{problem['rule']}] {label}{problem['message']}" in heads


# --------------------------------------------------------------------------- annotation helpers


def _state(path: Path) -> tuple[str, str, dict[str, anchors.Anchor], set[str]]:
    """What must not change: source text, full string value of text, anchors, all ids."""
    tree = parse_file(path)
    text = tree.getroot().find("{http://www.tei-c.org/ns/1.0}text")
    ids = {el.get(XML_ID) for el in tree.getroot().iter() if isinstance(el.tag, str) and el.get(XML_ID)}
    return source_text(path), "".join(text.itertext()), anchors.collect(tree, path.stem), ids


@pytest.fixture(scope="module")
def helpers_run(tmp_path_factory) -> tuple[Path, dict[str, tuple], list[str]]:
    """A copy of the edition on which suggest, new-id and tag (with dates and citations) have run."""
    root = copy_edition(tmp_path_factory.mktemp("helpers"))
    files = [f"tei/{d.key}.xml" for d in DOCUMENTS]
    before = {name: _state(root / name) for name in files}
    outputs = []
    for args in (("suggest", "names", *files), ("new-id", *files), ("tag", "--dates", "--citations", *files)):
        proc = run_edition(*args, root=root)
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    return root, before, outputs


@pytest.mark.parametrize("doc", [d.key for d in DOCUMENTS])
def test_helpers_change_no_character_and_keep_every_id(helpers_run, doc: str) -> None:
    root, before, _ = helpers_run
    path = root / f"tei/{doc}.xml"
    old_source, old_string, old_anchors, old_ids = before[f"tei/{doc}.xml"]
    new_source, new_string, new_anchors, new_ids = _state(path)
    assert new_source == old_source
    assert new_string == old_string
    assert old_ids <= new_ids
    # Each existing anchor is still on an element with the same text.
    assert {k: (a.element, a.fingerprint) for k, a in old_anchors.items()} == {
        k: (new_anchors[k].element, new_anchors[k].fingerprint) for k in old_anchors
    }


def test_suggest_lists_untagged_occurrences_at_their_lines(helpers_run) -> None:
    root, _, outputs = helpers_run
    found = re.findall(r"^(tei/\w+\.xml):(\d+): untagged \w+ '([^']+)': tag it with ref=\"#[\w-]+\"$", outputs[0], re.M)
    for name, line, text in found:
        source_line = (ROOT / name).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert text.split()[0] in source_line, (name, line, text)


def test_new_id_takes_the_next_free_number_and_never_a_retired_one(tmp_path: Path) -> None:
    root = copy_edition(tmp_path / "ed")
    dikova = root / "tei" / "dikova.xml"
    # Publish the current anchors, then retire the next free paragraph number, as a
    # split whose new id was later withdrawn would have left it.
    from edition.identifiers import used_numbers

    current = anchors.collect_edition(root / "tei")
    highest = used_numbers(current, "dikova")["p"]
    retired = f"dikova-p{highest + 1:04d}"
    registry = dict(current)
    registry[retired] = anchors.Anchor(retired, "dikova", "p", "0" * 16, "retired", "withdrawn")
    anchors.save(registry, root / "tei" / "anchors.tsv")
    # Split dikova-p0042 as the editors' guide does: the second part has no id yet.
    text = dikova.read_text(encoding="utf-8")
    match = re.search(r'(<p xml:id="dikova-p0042" n="1">.*?\.) (.*?</p>)', text)
    assert match
    before = _state(dikova)
    dikova.write_text(text.replace(match[0], f"{match[1]}</p>\n<p>{match[2]}", 1), encoding="utf-8")
    proc = run_edition("new-id", "tei/dikova.xml", root=root)
    assert proc.returncode == 0, proc.stderr
    expected = f"dikova-p{highest + 2:04d}"
    assert f"1 new ids ({expected} … {expected})" in proc.stdout
    after = _state(dikova)
    # The split lost no character (whitespace is not significant, see the fidelity rule).
    assert re.sub(r"\s+", "", after[0]) == re.sub(r"\s+", "", before[0])
    assert before[3] | {expected} == after[3] and retired not in after[3]
    new_p = parse_file(dikova).getroot().xpath("//*[@xml:id=$i]", i=expected)[0]
    assert etree.QName(new_p).localname == "p"
    assert new_p.getprevious().get(XML_ID) == "dikova-p0042"
    # The registry accepts the split: nothing published is lost, one new anchor.
    check = run_edition("anchors", root=root)
    assert check.returncode == 0, check.stdout
    assert ", 1 new," in check.stdout and "dikova-p0042 changed" in check.stdout


def test_a_duplicate_id_inside_one_file_names_the_first_line(tmp_path: Path) -> None:
    # libxml2 refuses the file itself; the report must still say which id and where it first is.
    bad = tmp_path / "dup.xml"
    bad.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<p xml:id="x-p0001"/>\n<p xml:id="x-p0001"/></TEI>\n')
    proc = run_edition("validate", str(bad))
    head, advice = proc.stdout.splitlines()[:2]
    assert proc.returncode == 1
    assert head == f"{bad}:3:20: [xmlid-unique] xml:id x-p0001 already used in {bad}:2"
    assert "edition new-id" in advice
