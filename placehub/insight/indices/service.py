"""What the CLI and web call: build an index by name and store it, or write its methodology report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from placehub.insight.indices.definition import load_definition
from placehub.insight.indices.engine import IndexResult, build_index
from placehub.insight.indices.store import save_index
from placehub.settings import Settings
from placehub.store import Vault


@dataclass(frozen=True)
class BuiltIndex:
    result: IndexResult
    rows: int  # rows written to index_values (0 when not stored)
    report_files: tuple[Path, ...] = ()


def build_and_store(settings: Settings, name: str, *, demo_data: Path | None = None) -> BuiltIndex:
    """Build the index named ``name`` (packaged, local or a path) and store it in the vault."""
    result = build_index(load_definition(name, settings, demo_data=demo_data))
    return BuiltIndex(result, save_index(Vault(settings.vault_path), result))


def build_report(
    settings: Settings, name: str, out_dir: Path, *, demo_data: Path | None = None, store: bool = True
) -> BuiltIndex:
    """Build the index, store it (unless ``store`` is False), write its methodology report to ``out_dir``."""
    from placehub.insight.report import write_report

    result = build_index(load_definition(name, settings, demo_data=demo_data))
    rows = save_index(Vault(settings.vault_path), result) if store else 0
    return BuiltIndex(result, rows, write_report(result, out_dir))
