"""What an import reports: per sheet created/updated/unchanged with the first rows of each, and problems."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from org.excel.parse import Problems
from org.excel.spec import WorkbookSpec

PREVIEW_ROWS = 20
Progress = Callable[[int, int], None]  # (rows done, rows in total)


@dataclass
class SheetResult:
    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stored: bool = True  # False: parsed and checked, but nothing persists this sheet yet
    note: str = ""
    preview: dict[str, list[dict]] = field(default_factory=lambda: {"created": [], "updated": [], "unchanged": []})

    def record(self, kind: str, row: dict) -> None:
        """Count one row as created/updated/unchanged and keep it for the preview if among the first."""
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.preview[kind]) < PREVIEW_ROWS:
            self.preview[kind].append(row)

    def as_dict(self) -> dict:
        return {"name": self.name, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "stored": self.stored, "note": str(self.note), "preview": self.preview}


@dataclass
class ImportResult:
    sheets: list[SheetResult] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    committed: bool = False
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[dict]:
        return [sheet.as_dict() for sheet in self.sheets]


class Importer(Protocol):
    """What a workbook kind provides to the upload machinery (org.ImportJob, pages, API, tasks)."""

    kind: str
    label: str
    spec: WorkbookSpec

    def run(self, path, *, user, commit: bool, progress: Progress | None = None) -> ImportResult:
        """Parse, resolve and check the file; when `commit` and no problems, persist all or nothing."""

    def export(self, target, *, user) -> None:
        """Write the same workbook for everything in the user's scope."""


_IMPORTERS: dict[str, Importer] = {}


def register_importer(importer: Importer) -> Importer:
    """Make a workbook kind available to uploads (call from an AppConfig.ready or at import time)."""
    _IMPORTERS[importer.kind] = importer
    return importer


def get_importer(kind: str) -> Importer:
    return _IMPORTERS[kind]


def importer_kinds() -> list[tuple[str, str]]:
    return [(kind, str(importer.label)) for kind, importer in _IMPORTERS.items()]
