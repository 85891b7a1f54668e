"""The exam library: which practice pages exist and what they are.

Exams come from library sources (:mod:`recorder.library`): our ``exams/index.json`` always, and
the libraries a learner has pointed the recorder at (``ielts exams --library PATH``, remembered
in the data directory's settings, and ``$IELTS_RECORDER_LIBRARIES``). A page outside every
library is opened by path or URL (:func:`recorder.exam.adhoc_exam`), its query kept.
"""

from __future__ import annotations

import difflib
import fnmatch
import glob
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

from .config import EXAMS_DIR
from .errors import ExamNotFound, SessionError
from .exam import Exam, ExamType, Module, Suite, adhoc_exam, is_fragment
from .library import IndexSource, LibrarySource, load_index, open_library

__all__ = [
    "Catalog",
    "Exam",
    "ExamType",
    "Module",
    "Suite",
    "adhoc_exam",
    "is_fragment",
    "load_index",
    "select_exams",
    "shard",
    "unknown_exam_message",
]


class Catalog:
    """Every exam the recorder knows: our library first, then each library given, in order.
    Where two libraries use one id, the first keeps it."""

    def __init__(
        self, exams_dir: Path = EXAMS_DIR, libraries: Sequence[Path | LibrarySource] = ()
    ) -> None:
        self.exams_dir = exams_dir
        ours = IndexSource(exams_dir)
        exams, suites = list(ours.exams()), list(ours.suites())
        self.libraries: list[LibrarySource] = []
        for library in libraries:
            source = open_library(library) if isinstance(library, Path) else library
            if source.name not in [known.name for known in self.libraries]:
                self.libraries.append(source)
        seen = {exam.id for exam in exams}
        for library in self.libraries:
            for exam in library.exams():
                if exam.id not in seen:
                    seen.add(exam.id)
                    exams.append(exam)
        self.exams: tuple[Exam, ...] = tuple(exams)
        self.suites: tuple[Suite, ...] = tuple(suites)

    def library(self, source: LibrarySource) -> list[Exam]:
        """The exams of one library given."""
        return [exam for exam in self.exams if exam.library == source.name]

    def suite(self, suite_id: str) -> Suite:
        """A whole test by id; an unknown id lists the tests that exist."""
        for suite in self.suites:
            if suite.id == suite_id:
                return suite
        known = [s.id for s in self.suites]
        raise ExamNotFound(
            f"no test {suite_id!r}. Known tests: {', '.join(known) or 'none'}"
            " (single exams are run without --suite)"
        )

    def parts_of(self, suite: Suite) -> list[Exam]:
        return [self.get(part) for part in suite.parts]

    def ids(self) -> list[str]:
        return [exam.id for exam in self.exams]

    def get(self, exam_id: str) -> Exam:
        for exam in self.exams:
            if exam.id == exam_id:
                return exam
        raise ExamNotFound(unknown_exam_message(exam_id, self.ids()))

    def filter(self, *, type: str | None = None, module: str | None = None) -> list[Exam]:
        return [
            exam
            for exam in self.exams
            if (type is None or exam.type == type) and (module is None or exam.module == module)
        ]

    def resolve(self, target: str) -> Exam:
        """An exam from an id in a library, a path to an HTML file, or a URL (query kept)."""
        if target in self.ids():
            return self.get(target)
        parsed = urlparse(target)
        if parsed.scheme in ("http", "https"):
            return adhoc_exam(target)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path))
            query = f"?{parsed.query}" if parsed.query else ""
            fragment = f"#{parsed.fragment}" if parsed.fragment else ""
        else:
            # A path as typed may carry a query too: page.html?examId=p2-low-222
            raw, _, query = target.partition("?")
            path, query, fragment = Path(raw).expanduser(), f"?{query}" if query else "", ""
        if path.suffix.lower() in (".html", ".htm") or path.exists():
            if not path.is_file():
                raise ExamNotFound(f"no practice page at {path}")
            return adhoc_exam(path.resolve().as_uri() + query + fragment)
        raise ExamNotFound(unknown_exam_message(target, self.ids()))


def unknown_exam_message(wanted: str, known: Sequence[str]) -> str:
    """'no exam X' followed by the ids that exist, the closest first."""
    # An id that contains what was typed is the likeliest meaning, then the closest spellings.
    containing = [k for k in known if wanted.lower() in k.lower()]
    close = [
        k for k in difflib.get_close_matches(wanted, known, n=5, cutoff=0.4) if k not in containing
    ]
    rest = sorted(k for k in known if k not in close and k not in containing)
    ordered = containing + close + rest
    hint = "; give a path or URL to open a page outside the library"
    return f"no exam {wanted!r}. Known exams: {', '.join(ordered)}{hint}"


def select_exams(targets: Sequence[str], catalog: Catalog) -> list[Exam]:
    """Exam ids, paths, URLs and globs (over ids and over files); the whole library if empty."""
    if not targets:
        return list(catalog.exams)
    chosen: list[Exam] = []
    for target in targets:
        # A URL or a page that exists keeps its query: "page.html?examId=p2" is no pattern.
        if target in catalog.ids() or "://" in target or Path(target.partition("?")[0]).is_file():
            chosen.append(catalog.resolve(target))
        elif any(ch in target for ch in "*?["):
            by_id = [e for e in catalog.exams if fnmatch.fnmatch(e.id, target)]
            by_path = [
                catalog.resolve(p)
                for p in sorted(glob.glob(target, recursive=True))
                if not is_fragment(Path(p))
            ]
            if not by_id and not by_path:
                raise ExamNotFound(f"{target!r} matches no exam id and no file")
            chosen += by_id + by_path
        else:
            chosen.append(catalog.resolve(target))
    # Two pages may share an id (a copy of a page keeps its meta tags): one run per location.
    unique: dict[str, Exam] = {}
    for exam in chosen:
        unique.setdefault(exam.location(), exam)
    return list(unique.values())


def shard(exams: Sequence[Exam], spec: str) -> list[Exam]:
    """``I/N``: the I-th of N deterministic slices (by exam id), for a CI matrix."""
    match = re.fullmatch(r"(\d+)/(\d+)", spec)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise SessionError(f"--shard takes I/N with 1 <= I <= N, not {spec!r}")
    index, count = int(match.group(1)), int(match.group(2))
    ordered = sorted(exams, key=lambda e: e.id)
    return [exam for n, exam in enumerate(ordered) if n % count == index - 1]
