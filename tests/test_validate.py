"""The schema (ODD, RELAX NG, Schematron) and ``edition validate``.

The real TEI files must pass everything; each rule is shown to fire, at the right
line and with its advice, on a small bad file in ``tests/fixtures/invalid/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from edition import schema
from edition.documents import DOCUMENTS, REGISTERS, TEI_DIR
from edition.validate import Problem, Report, validate, validate_tei_all

ROOT = Path(__file__).resolve().parents[1]
INVALID = ROOT / "tests" / "fixtures" / "invalid"
TEI_ALL = Path(__file__).resolve().parents[1].parent / "shared/schema/tei_all.rng"
needs_tei_all = pytest.mark.skipif(not TEI_ALL.exists(), reason="../shared/schema/tei_all.rng is absent")

ALL_TEI = [d.tei_path for d in DOCUMENTS] + [TEI_DIR / f"{name}.xml" for name in REGISTERS]

RNG = "{http://relaxng.org/ns/structure/1.0}"
SCH = "{http://purl.oclc.org/dsdl/schematron}"

#: A valid document: every construct of ENCODING.md that the rules look at, done right.
GOOD = """<?xml version="1.0" encoding="UTF-8"?>
<?xml-model href="schema/edition.rng" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"?>
<?xml-model href="schema/edition.sch" type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="good" n="good">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title type="main">A good document</title>
        <respStmt xml:id="good-ed"><resp>Encoding</resp><orgName>Editorial team</orgName></respStmt>
      </titleStmt>
      <publicationStmt><p>Test.</p></publicationStmt>
      <sourceDesc><p>Test.</p></sourceDesc>
    </fileDesc>
  </teiHeader>
  <text>
    <body>
      <div type="chapter" n="1" xml:id="good-div01">
        <head xml:id="good-head001">Chapter</head>
        <p xml:id="good-p0001"><pb n="9"/><fw type="pageNum">9</fw> Sta<lb break="no" rend="hyphen"/>lin
          and <persName ref="#good-stalin">Stalin</persName> on <date when="1934-12-01">1 December</date>
          and <date from="1934-02" to="1934-02-28">February</date>, <date notBefore="1932" notAfter="1936-02-29">later</date>.
          The <choice><sic>Cominterm</sic><corr resp="#good-ed" cert="high">Comintern</corr></choice>
          met <supplied resp="#good-ed" reason="omitted-in-source">in</supplied> Moscow.<note place="foot"
          n="1" xml:id="good-fn001">A note.</note><pb n="10" cert="medium" resp="#good-ed"/>
          More.<note place="foot" n="2" xml:id="good-fn002"><gap reason="not-in-source"/></note>
          <note type="editorial" resp="#good-ed" xml:id="good-ednote01">Doubtful.</note></p>
        <listPerson xml:id="good-list01">
          <person xml:id="good-stalin"><persName type="display">Iosif Stalin</persName></person>
        </listPerson>
      </div>
    </body>
  </text>
</TEI>
"""


def _only(report: Report, rule: str) -> list[Problem]:
    return [p for p in report.problems if p.rule == rule]


def _line_of(path: Path, needle: str) -> int:
    """The line of the fixture that contains ``needle`` (so a test names the construct, not a number)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# --------------------------------------------------------------------------- the real files


@pytest.fixture(scope="module")
def edition_report() -> Report:
    return validate(None)


@pytest.mark.parametrize("path", ALL_TEI, ids=lambda p: p.name)
def test_real_file_passes_schema_schematron_and_cross_file_checks(path: Path, edition_report) -> None:
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    report = edition_report
    shown = str(path.relative_to(ROOT))
    errors = [p.format() for p in report.errors if p.path == shown]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", ALL_TEI, ids=lambda p: p.name)
def test_real_file_carries_the_xml_model_instructions(path: Path, edition_report) -> None:
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    report = edition_report
    shown = str(path.relative_to(ROOT))
    assert not [p for p in report.problems if p.path == shown and p.rule == "xml-model"]


@pytest.fixture(scope="module")
def tei_all_report() -> Report:
    if not TEI_ALL.exists():
        pytest.skip("../shared/schema/tei_all.rng is absent")
    files = [p for p in ALL_TEI if p.exists()] + [INVALID / "element-outside-subset.xml"]
    return validate_tei_all(files)  # one load of tei_all.rng for the whole module


@needs_tei_all
@pytest.mark.parametrize("path", ALL_TEI, ids=lambda p: p.name)
def test_real_file_is_valid_tei_all(path: Path, tei_all_report: Report) -> None:
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    shown = str(path.relative_to(ROOT))
    errors = [p.format() for p in tei_all_report.errors if p.path == shown]
    assert not errors, "\n".join(errors)


# --------------------------------------------------------------------------- a good file passes


def test_good_document_passes_everything(tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_text(GOOD, encoding="utf-8")
    report = validate([good], context=[])
    assert report.ok, report.format_text()
    assert report.problems == []


@needs_tei_all
def test_good_document_is_valid_tei_all(tmp_path: Path, tei_all_report: Report) -> None:
    good = tmp_path / "good.xml"
    good.write_text(GOOD, encoding="utf-8")
    report = validate_tei_all([good])  # tei_all.rng is already compiled by the fixture
    assert report.ok, report.format_text()


# --------------------------------------------------------------------------- one bad file per rule

SCHEMATRON_CASES = [
    # (fixture, rule id, text on the offending line, words of the message, words of the advice)
    ("xmlid-required", "xmlid-required", "<p>A paragraph", "<p> in the text has no xml:id", 'xml:id="fx1-'),
    ("date-iso8601", "date-iso8601", "1934-02-30", '@when="1934-02-30" on <date>', "YYYY-MM-DD"),
    ("edit-resp", "edit-resp", "<corr", '<corr> "Comintern"', 'resp="#fx3-ed"'),
    ("supplied-reason", "supplied-reason", "<supplied", '<supplied> "the"', "reason="),
    ("pb-cert-resp", "pb-cert-resp", 'cert="medium"', '<pb n="10"> has cert="medium"', 'resp="#fx5-ed"'),
    ("footnote-sequence", "footnote-sequence", 'n="3"', 'footnote n="3" breaks the sequence: expected n="2"',
     "not-in-source"),
    ("editorial-note-resp", "editorial-note-resp", 'type="editorial"', "editorial note fx7-ednote01 has no @resp",
     'resp="#fx7-ed"'),
    ("num-value", "num-value", 'value="NaN"', '@value="NaN" on <num> is not a decimal number', 'value="45.1"'),
]


@pytest.mark.parametrize("fixture,rule,needle,message,advice", SCHEMATRON_CASES, ids=[c[0] for c in SCHEMATRON_CASES])
def test_schematron_rule_fires_with_line_and_advice(fixture, rule, needle, message, advice) -> None:
    path = INVALID / f"{fixture}.xml"
    report = validate([path], context=[])
    found = _only(report, rule)
    assert len(found) == 1, report.format_text()
    problem = found[0]
    assert problem.path == f"tests/fixtures/invalid/{fixture}.xml"
    assert problem.line == _line_of(path, needle)
    assert message in problem.message
    assert advice in problem.advice
    assert problem.severity == "error" and not report.ok
    # Nothing else of the Schematron fires: the fixture breaks one rule only.
    sch_rules = {c[1] for c in SCHEMATRON_CASES}
    assert {p.rule for p in report.problems if p.rule in sch_rules} == {rule}


def test_every_schematron_rule_has_a_failing_fixture() -> None:
    asserts = etree.parse(str(schema.SCH_PATH)).getroot().iter(SCH + "assert", SCH + "report")
    assert {a.get("id") for a in asserts} == {c[1] for c in SCHEMATRON_CASES}


def test_unknown_pointer_names_the_kind_and_suggests_the_id() -> None:
    path = INVALID / "pointer.xml"
    report = validate([path], context=[])
    (problem,) = _only(report, "pointer")
    assert problem.message == "unknown person #stalln: did you mean #stalin?"
    assert problem.line == _line_of(path, "#stalln")
    assert "tei/persons.xml" in problem.advice


def test_pointer_resolves_in_the_context_files(tmp_path: Path) -> None:
    # The same pointer resolves when a register that holds the id is in the context.
    register = tmp_path / "persons.xml"
    register.write_text(GOOD.replace("good-stalin", "stalln"), encoding="utf-8")
    report = validate([INVALID / "pointer.xml"], context=[register])
    assert not _only(report, "pointer")


def test_duplicate_id_across_files_names_the_first_holder() -> None:
    first, second = INVALID / "xmlid-unique-a.xml", INVALID / "xmlid-unique-b.xml"
    assert validate([first], context=[]).ok and validate([second], context=[]).ok
    report = validate([first, second], context=[])
    (problem,) = _only(report, "xmlid-unique")
    line_a = _line_of(first, 'xml:id="fx-shared-p0001"')
    assert problem.message == f"xml:id fx-shared-p0001 already used in tests/fixtures/invalid/xmlid-unique-a.xml:{line_a}"
    assert problem.path.endswith("xmlid-unique-b.xml")
    assert problem.line == _line_of(second, 'xml:id="fx-shared-p0001"')
    assert "edition new-id" in problem.advice


def test_malformed_file_is_one_problem_at_the_parser_position() -> None:
    path = INVALID / "malformed.xml"
    report = validate([path], context=[])
    (problem,) = report.problems
    assert problem.rule == "xml-wellformed"
    assert (problem.line, problem.column) == (_line_of(path, "<hi>unclosed"), 60)
    assert "mismatch" in problem.message


@needs_tei_all
def test_element_outside_the_subset_is_rejected_by_edition_rng_only(tei_all_report: Report) -> None:
    path = INVALID / "element-outside-subset.xml"
    report = validate([path], context=[])
    line = _line_of(path, "<sp ")
    assert any(p.rule == "rng" for p in report.errors)
    odd = _only(report, "odd-element")
    assert [(p.line, p.message) for p in odd][0] == (line, "<sp> is not one of the elements the edition uses")
    assert "tei/schema/edition.odd" in odd[0].advice
    assert not [p for p in tei_all_report.problems if p.path.endswith("element-outside-subset.xml")]


def test_value_outside_a_closed_list_is_rejected_with_a_suggestion() -> None:
    path = INVALID / "value-outside-list.xml"
    report = validate([path], context=[])
    (problem,) = _only(report, "odd-value")
    assert problem.line == _line_of(path, "chaptre")
    assert problem.message == "div/@type='chaptre' is not in the closed list"
    assert problem.advice.startswith("did you mean 'chapter'?")
    assert any(p.rule == "rng" for p in report.errors)  # the grammar says no as well


# --------------------------------------------------------------------------- output formats


def test_text_and_json_output() -> None:
    report = validate([INVALID / "edit-resp.xml"], context=[])
    lines = report.format_text().splitlines()
    assert lines[0].startswith("tests/fixtures/invalid/edit-resp.xml:19:1: [edit-resp] ")
    assert lines[1].startswith("    add resp=")
    assert lines[-1] == "edition validate: 1 file, 1 error, 0 warnings"
    data = json.loads(report.format_json())
    assert data["ok"] is False and data["warnings"] == []
    assert data["errors"][0]["rule"] == "edit-resp" and data["errors"][0]["line"] == 19


def test_missing_xml_model_is_a_warning_only(tmp_path: Path) -> None:
    bare = tmp_path / "bare.xml"
    bare.write_text("\n".join(line for line in GOOD.splitlines() if "xml-model" not in line), encoding="utf-8")
    report = validate([bare], context=[])
    assert report.ok
    assert [p.rule for p in report.warnings] == ["xml-model", "xml-model"]
    assert "warning: " in report.format_text()


# --------------------------------------------------------------------------- ODD and schemas agree


def test_every_element_the_rng_allows_is_listed_in_the_odd() -> None:
    rng = etree.parse(str(schema.RNG_PATH)).getroot()
    allowed = {el.get("name") for el in rng.iter(RNG + "element") if el.get("name")}
    listed = set(schema.included_elements(etree.parse(str(schema.ODD_PATH))))
    assert allowed <= listed
    assert "sp" not in allowed and {"div", "p", "note", "fw", "pb"} <= allowed


def test_every_schematron_id_is_declared_in_the_odd() -> None:
    sch_ids = {el.get("id") for el in etree.parse(str(schema.SCH_PATH)).getroot().iter() if el.get("id")}
    odd = etree.parse(str(schema.ODD_PATH))
    assert sch_ids and sch_ids <= set(schema.constraint_ids(odd))
    # Every assertion id is also the ident of its constraintSpec, with a prose reason.
    specs = {
        cs.get("ident"): "".join(cs.find("{http://www.tei-c.org/ns/1.0}desc").itertext()).strip()
        for cs in odd.iter("{http://www.tei-c.org/ns/1.0}constraintSpec")
    }
    for a in etree.parse(str(schema.SCH_PATH)).getroot().iter(SCH + "assert"):
        assert specs.get(a.get("id")), a.get("id")


def test_schematron_is_what_the_odd_produces() -> None:
    assert schema.derive_sch() == schema.SCH_PATH.read_bytes()


@needs_tei_all
def test_rng_is_what_the_odd_produces() -> None:
    assert schema.derive_rng() == schema.RNG_PATH.read_bytes()


def test_closed_value_lists_reach_the_rng() -> None:
    rng = etree.parse(str(schema.RNG_PATH)).getroot()
    div = rng.find(f"{RNG}define[@name='div']")
    values = {v.text for a in div.iter(RNG + "attribute") if a.get("name") == "type" for v in a.iter(RNG + "value")}
    assert values == set(schema.odd_rules().element_values[("div", "type")])
    cert = rng.find(f"{RNG}define[@name='att.global.responsibility.attribute.cert']")
    assert {v.text for v in cert.iter(RNG + "value")} == {"high", "medium", "low"}


_IN_WORKERS = """
import os, sys
from pathlib import Path
from edition import validate as validation
from edition.documents import DOCUMENTS, TEI_DIR

files = [*sorted(Path(sys.argv[1]).glob("*.xml")), *(TEI_DIR / f"{d.key}.xml" for d in DOCUMENTS)]
assert all(f.exists() for f in files)
validation.PARALLEL_FROM = 10_000
alone = validation.validate(files).format_text()
main, single = os.getpid(), validation._single_file

def in_a_worker(tree, shown):
    assert os.getpid() != main, f"{shown} was checked in the main process"
    return single(tree, shown)

validation._single_file = in_a_worker
validation.PARALLEL_FROM = 2
assert validation.validate(files).format_text() == alone
assert "error" in alone and "malformed.xml" in alone
print("same report")
"""


def test_many_files_are_checked_in_worker_processes_with_the_same_report() -> None:
    """Past ``PARALLEL_FROM`` files the checks of each file run in worker processes; the
    report is the one a single process gives (here the bad fixtures and the edition). Run
    in a fresh interpreter: workers are forked only where no other thread runs."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _IN_WORKERS, str(INVALID)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip() == "same report", proc.stderr[-3000:]


# --------------------------------------------------------------------------- sic and corr in pairs


@pytest.mark.parametrize(("slip", "rule"), [
    ('<corr resp="#good-ed" cert="high">Comintern</corr>', "corr-without-sic"),
    ('<choice><corr resp="#good-ed" cert="high">Comintern</corr></choice>', "corr-without-sic"),
    ("<sic>Cominterm</sic>", "sic-without-corr"),
    ("<choice><sic>Cominterm</sic></choice>", "sic-without-corr"),
])
def test_a_corr_without_its_sic_or_a_sic_without_its_corr_is_a_warning(tmp_path: Path, slip: str, rule: str) -> None:
    pair = '<choice><sic>Cominterm</sic><corr resp="#good-ed" cert="high">Comintern</corr></choice>'
    assert pair in GOOD
    bad = tmp_path / "half.xml"
    bad.write_text(GOOD.replace(pair, slip), encoding="utf-8")
    report = validate([bad], context=[])
    # A lone corr or sic is valid TEI, so only warned of; a choice of one child the grammar refuses as well.
    assert report.ok is not slip.startswith("<choice>")
    [problem] = [p for p in report.warnings if p.rule in ("corr-without-sic", "sic-without-corr")]
    assert problem.rule == rule
    assert problem.line == _line_of(bad, slip)
    assert ("Comintern" if rule == "corr-without-sic" else "Cominterm") in problem.message
    assert "<choice><sic>" in problem.advice or "<corr resp=" in problem.advice


def test_the_good_document_and_the_edition_have_their_sics_and_corrs_in_pairs(tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_text(GOOD, encoding="utf-8")
    assert not [p for p in validate([good], context=[]).warnings if p.rule.endswith(("-without-sic", "-without-corr"))]
    assert not [p for p in validate().warnings if p.rule.endswith(("-without-sic", "-without-corr"))]
