"""The demo's publish stage: define, preview (maker priya), approve (checker sam) and publish the packaged
definitions from whatever the vault holds, saying which could not be made and why.

It runs after act, so "contacted within 3 days by ward" is counted from ``placehub.act.contact_times``
(through priya's access under shielding-support); before act has assigned anyone it is named as skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from placehub.errors import PlacehubUserError
from placehub.publish.definitions import PACKAGED
from placehub.publish.public import export_all
from placehub.publish.releases import approve, define, preview, publish
from placehub.settings import Settings
from placehub.store import open_catalogue

MAKER, CHECKER = "priya", "sam"


@dataclass
class PublishSummary:
    published: list[tuple[str, int, int, int]] = field(
        default_factory=list
    )  # name, release, primary, secondary
    skipped: list[tuple[str, str]] = field(default_factory=list)  # name, why
    export: Path | None = None

    def lines(self) -> list[tuple[str, str]]:
        out = [
            (n, f"release {v}: {p} cells suppressed, {s} more to protect them")
            for n, v, p, s in self.published
        ]
        out += [(n, f"not published: {why}") for n, why in self.skipped]
        if self.export is not None:
            out.append(("export", str(self.export)))
        return out


def _demo_cases(settings: Settings, seed: int) -> pd.DataFrame | None:
    """The demo's synthetic outbreak cases when no outbreak stage has put cases in the vault."""
    from placehub.demo.outbreak import make_outbreak_cases
    from placehub.store import Vault

    vault = Vault(settings.vault_path)
    with vault.connect() as con:
        if vault.has_table(con, "outbreak_cases") or not vault.has_table(con, "gazetteer"):
            return None
        columns = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_name = 'gazetteer'"
            ).fetchall()
        }
        if not {"uprn", "x", "y", "classification", "address", "postcode"} <= columns:
            return None
        gaz = con.execute("select uprn, x, y, classification, address, postcode from gazetteer").df()
    cases, _ = make_outbreak_cases(gaz, seed=seed)
    return cases


def publish_demo(settings: Settings, *, seed: int = 1, export_to: Path | None = None) -> PublishSummary:
    """Publish every packaged definition the vault can feed; returns what was published and what was not."""
    summary = PublishSummary()
    catalogue = open_catalogue(settings.database_url)
    try:
        frames = {}
        cases = _demo_cases(settings, seed)
        if cases is not None:
            frames["outbreak_cases"] = cases
        for path in sorted(PACKAGED.glob("*.yaml")):
            name = define(catalogue, path, MAKER).name
            try:
                draft = preview(catalogue, settings, name, MAKER, frames=frames)
            except PlacehubUserError as exc:
                summary.skipped.append((name, str(exc).splitlines()[0]))
                continue
            approve(catalogue, draft.id, CHECKER)
            done = publish(catalogue, draft.id, CHECKER)
            s = done.meta["suppressed"]
            summary.published.append((name, done.number or 0, s["primary"], s["secondary"]))
        if export_to is not None:
            export_all(catalogue, settings, export_to)
            summary.export = export_to
    finally:
        catalogue.dispose()
    return summary
