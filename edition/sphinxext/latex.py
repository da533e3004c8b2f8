"""Sphinx: the PDF of the whole edition, typeset by XeLaTeX.

Why XeLaTeX: the texts mix Latin and Cyrillic (the transliteration table) and
typographic punctuation; XeLaTeX reads UTF-8 and uses system OpenType/TrueType
fonts through fontspec, so one font family (DejaVu, which covers Latin,
Cyrillic and Greek) sets everything and is embedded (subset) in the PDF.

This module completes ``latex_elements`` (values set in ``conf.py`` win):

* fonts: DejaVu Serif / Sans / Sans Mono (Debian ``fonts-dejavu-core`` and
  ``fonts-dejavu-extra``);
* the source's page numbers (``inline.pb`` of the XSLT, which Sphinx writes
  as ``\\DUrole{pb}{9}``) in the outer margin with ``\\marginnote`` (unlike
  ``\\marginpar`` it also works inside footnotes); inferred numbers in italics;
* the PDF's metadata: title, author, subject, keywords and, through
  ``hyperxmp``, the copyright notice and licence URL in the XMP packet;
* reproducibility: xdvipdfmx takes the dates from ``SOURCE_DATE_EPOCH``
  (``FORCE_SOURCE_DATE=1``, set by :mod:`edition.build`), and the trailer
  ``/ID`` is fixed here (``\\special{pdf:trailerid …}``) rather than derived
  from the clock and the file name.

Footnotes are Sphinx's: docutils footnotes (the apparatus) become LaTeX
``\\footnote``; tables stay ``tabulary``/``longtable`` tables.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform

from edition import __version__
from edition.provenance import source_date_epoch

FONTS = r"""
\setmainfont{DejaVu Serif}
\setsansfont{DejaVu Sans}
\setmonofont{DejaVu Sans Mono}[Scale=MatchLowercase]
"""

GEOMETRY = r"\usepackage[a4paper,inner=25mm,outer=40mm,top=25mm,bottom=30mm,marginparwidth=25mm,marginparsep=5mm]{geometry}"

#: Footnote numbers above this are editorial notes, printed as letters.
LETTER_OFFSET = 100000

#: The source's page numbers and the other classed inlines that matter on paper.
PREAMBLE = r"""
\usepackage{marginnote}
\renewcommand*{\marginfont}{\footnotesize\sffamily\color{gray}}
% editorial notes: footnote numbers above \edition@ednotes print as letters (see LaTeXNotes)
\makeatletter
\newcommand*{\edition@ednotes}{LETTER_OFFSET}
% a … z, aa … az, ba …, as the XSLT letters them (\@alph stops at z)
\newcommand*{\edition@alph}[1]{%
  \ifnum\numexpr#1\relax>26
    \edition@alph{\numexpr(#1-14)/26\relax}\@alph{\numexpr#1-26*((#1-14)/26)\relax}%
  \else\@alph{#1}\fi}
\renewcommand*{\thefootnote}{%
  \ifnum\value{footnote}>\edition@ednotes\relax
    \edition@alph{\numexpr\value{footnote}-\edition@ednotes\relax}%
  \else\arabic{footnote}\fi}
\makeatother
% inline.pb: the source's page number, in the outer margin
\DeclareRobustCommand*{\DUrolepb}[1]{\leavevmode\marginnote{p.\,#1}}
\DeclareRobustCommand*{\DUroleinferred}[1]{\textit{#1}}
""".replace("LETTER_OFFSET", str(LETTER_OFFSET))


class LaTeXNotes(SphinxPostTransform):
    """Make the apparatus typeset as LaTeX footnotes.

    Sphinx's LaTeX footnotes take a number (``\\begin{footnote}[N]``); the
    editorial notes are lettered (a, b, …). Their labels become
    ``LETTER_OFFSET + n``, which ``\\thefootnote`` (in :data:`PREAMBLE`) prints
    as the letter again. A note that stands between blocks has no callout, and
    Sphinx would drop a footnote that nothing refers to: it stays in its place
    as a labelled paragraph instead.
    """

    default_priority = 590  # before Sphinx's LaTeXFootnoteTransform (600) moves footnotes
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        referenced = {ref.get("refid") for ref in self.document.findall(nodes.footnote_reference)}
        numbers: dict[str, str] = {}
        for footnote in list(self.document.findall(nodes.footnote)):
            label = footnote[0].astext() if footnote.children and isinstance(footnote[0], nodes.label) else ""
            if not referenced.intersection(footnote["ids"]):
                footnote.replace_self(unreferenced_note(footnote, label))
                continue
            if label and not label.isdigit() and letter_number(label):
                number = str(LETTER_OFFSET + letter_number(label))
                footnote[0].replace_self(nodes.label("", number))
                for ident in footnote["ids"]:
                    numbers[ident] = number
        for ref in self.document.findall(nodes.footnote_reference):
            if ref.get("refid") in numbers:
                ref.children = []
                ref += nodes.Text(numbers[ref["refid"]])


def letter_number(label: str) -> int:
    """``a`` → 1 … ``z`` → 26, ``aa`` → 27 … (0 for anything else: it keeps its label)."""
    if not label or not all("a" <= c <= "z" for c in label):
        return 0
    number = 0
    for c in label:
        number = number * 26 + ord(c) - ord("a") + 1
    return number


def unreferenced_note(footnote: nodes.footnote, label: str) -> nodes.container:
    """A note without callout as a block in its place: its label in brackets, then its text."""
    box = nodes.container(ids=footnote["ids"], classes=[*footnote["classes"], "note-block"])
    body = [child for child in footnote.children if not isinstance(child, nodes.label)]
    if body and isinstance(body[0], nodes.paragraph) and label:
        body[0].insert(0, nodes.strong("", f"[{label}] "))
    box.extend(body)
    return box


def trailer_id(seed: str) -> str:
    """A fixed PDF trailer ``/ID`` pair from ``seed`` (the edition and its version)."""
    digest = hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()
    return f"<{digest}> <{digest}>"


def fixed_uuid(seed: str) -> str:
    """A UUID that depends on ``seed`` only (XMP document and instance ids; hyperxmp's are random)."""
    return f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"


def metadata(config: Config, epoch: int) -> str:
    """hyperref/hyperxmp settings: the document information dictionary and the XMP packet.

    Every date is ``epoch`` and every id is derived from the edition and its
    release: hyperxmp would otherwise write the clock's time and random UUIDs.
    """
    licence = config.edition_licence or config.copyright
    licence_url = config.edition_licence_url
    subject = f"{config.project}: a TEI P5 digital scholarly edition. {licence}"
    seed = f"{config.project} {config.release}"
    stamp = datetime.fromtimestamp(epoch, UTC)
    pdf_date = stamp.strftime("D:%Y%m%d%H%M%SZ")
    return "\n".join([
        r"\usepackage{hyperxmp}",
        r"\hypersetup{",
        f"  pdfsubject={{{subject}}},",
        r"  pdfkeywords={Sergei Kirov, Soviet history, TEI, digital scholarly edition},",
        f"  pdfcopyright={{{config.copyright}. {licence}}},",
        f"  pdflicenseurl={{{licence_url}}},",
        r"  pdflang={en},",
        f"  pdfversionid={{{config.release}}},",
        f"  pdfcreationdate={{{pdf_date}}},",
        f"  pdfmoddate={{{pdf_date}}},",
        f"  pdfdate={{{pdf_date}}},",
        f"  pdfmetadate={{{stamp.strftime('%Y-%m-%dT%H:%M:%SZ')}}},",
        f"  pdfdocumentid={{{fixed_uuid(seed)}}},",
        f"  pdfinstanceid={{{fixed_uuid(seed + ' pdf')}}},",
        "}",
        rf"\special{{pdf:trailerid [{trailer_id(f'{config.project} {config.release}')}]}}",
    ])


def _config_inited(app: Sphinx, config: Config) -> None:
    ours = {
        "papersize": "a4paper",
        "fontpkg": FONTS,
        "geometry": GEOMETRY,
        "preamble": PREAMBLE + metadata(config, source_date_epoch(Path(app.srcdir))),
        # No index: the registers are the edition's index, and makeindex would need xindy.
        "printindex": "",
        "makeindex": "",
    }
    config.latex_elements = {**ours, **config.latex_elements}


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _config_inited)
    app.add_post_transform(LaTeXNotes)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
