"""Retention: delete what no agreement may keep any longer, and leave a tombstone in the audit chain for each.

A source's record-level rows may be kept while at least one agreement naming it is within its retention (end
date + ``retention.days_after_end``). A purpose's exports (``exports_dir/<purpose>/``) and pseudonym key may
be kept while at least one agreement for that purpose is. When a purpose's key goes, so does what the act
stage holds for it (cohort members, assignment history, record-level grants, outcomes, builds), through
``placehub.act.retention.delete_purpose``; its counts go into the key's tombstone. ``today`` is passed in, so
tests control the clock.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum

from placehub.govern.agreement import Agreement
from placehub.govern.agreements import current_agreements
from placehub.govern.audit import AuditEvent, append
from placehub.govern.pseudonyms import destroy_purpose_key, key_exists
from placehub.govern.scope_query import ident, raw_table
from placehub.settings import Settings
from placehub.store import Catalogue, Vault

# Vault tables holding a source's record-level rows, filtered by their ``source`` column.
SOURCE_TABLES = ("records", "rejects", "matches", "assignments")


class ItemKind(StrEnum):
    VAULT_ROWS = "vault rows"
    EXPORTS = "exports"
    KEY = "pseudonym key"


@dataclass(frozen=True)
class RetentionItem:
    kind: ItemKind
    subject: str  # source or purpose
    location: str  # table name, folder, or key name
    count: int  # rows or files (1 for a key)
    deadline: date
    agreements: tuple[str, ...]


@dataclass(frozen=True)
class RetentionResult:
    today: date
    dry_run: bool
    items: tuple[RetentionItem, ...]


def _past(groups: dict[str, list[Agreement]], today: date) -> dict[str, tuple[date, tuple[str, ...]]]:
    """Subjects whose every agreement is past retention → (latest deadline, agreement refs)."""
    out = {}
    for subject, ags in groups.items():
        deadline = max(a.retention_deadline() for a in ags)
        if today > deadline:
            out[subject] = (deadline, tuple(sorted(a.ref for a in ags)))
    return out


def plan(catalogue: Catalogue, settings: Settings, today: date) -> list[RetentionItem]:
    agreements = current_agreements(catalogue)
    by_source: dict[str, list[Agreement]] = defaultdict(list)
    by_purpose: dict[str, list[Agreement]] = defaultdict(list)
    for a in agreements:
        by_purpose[a.purpose].append(a)
        for d in a.datasets:
            by_source[d.source].append(a)
    items: list[RetentionItem] = []
    vault = Vault(settings.vault_path)
    past_sources = _past(by_source, today)
    if past_sources and settings.vault_path.exists():
        with vault.connect(read_only=True) as con:
            for source, (deadline, refs) in sorted(past_sources.items()):
                raw = raw_table(vault, con, source)
                if raw is not None:
                    n = con.execute(f"select count(*) from {ident(raw)}").fetchone()[0]  # noqa: S608
                    if n:
                        items.append(RetentionItem(ItemKind.VAULT_ROWS, source, raw, int(n), deadline, refs))
                for table in SOURCE_TABLES:
                    if vault.has_table(con, table):
                        n = con.execute(
                            f"select count(*) from {ident(table)} where source = ?",  # noqa: S608
                            [source],
                        ).fetchone()[0]
                        if n:
                            items.append(
                                RetentionItem(ItemKind.VAULT_ROWS, source, table, int(n), deadline, refs)
                            )
    for purpose, (deadline, refs) in sorted(_past(by_purpose, today).items()):
        folder = settings.exports_dir / purpose
        if folder.is_dir():
            files = sum(1 for p in folder.rglob("*") if p.is_file())
            items.append(RetentionItem(ItemKind.EXPORTS, purpose, str(folder), files, deadline, refs))
        if key_exists(settings.keys_dir, purpose):
            items.append(RetentionItem(ItemKind.KEY, purpose, f"{purpose}.key", 1, deadline, refs))
    return items


def _delete_act_data(catalogue: Catalogue, settings: Settings, purpose: str) -> dict[str, int]:
    """The act stage's data for a purpose whose key is gone: counts of rows deleted per table."""
    # Imported here: act builds on govern, so govern must not import act at module level.
    from placehub.act.retention import delete_purpose

    if not settings.vault_path.exists():
        return {}  # no vault, so no cohort was ever built (and no outcome recorded)
    deleted = delete_purpose(catalogue, Vault(settings.vault_path), purpose)
    return {k: int(v) for k, v in asdict(deleted).items()}


def run_retention(
    catalogue: Catalogue, settings: Settings, *, today: date | None = None, dry_run: bool = False, actor: str
) -> RetentionResult:
    """Delete everything past retention (``dry_run``: only list it); each deletion leaves a tombstone."""
    day = today or date.today()
    items = plan(catalogue, settings, day)
    if dry_run or not items:
        return RetentionResult(day, dry_run, tuple(items))
    vault_items = [i for i in items if i.kind is ItemKind.VAULT_ROWS]
    if vault_items:
        vault = Vault(settings.vault_path)
        with vault.connect() as con:
            con.execute("begin")
            for i in vault_items:
                if i.location in SOURCE_TABLES:
                    con.execute(f"delete from {ident(i.location)} where source = ?", [i.subject])  # noqa: S608
                else:
                    con.execute(f"delete from {ident(i.location)}")  # noqa: S608
            con.execute("commit")
    act_deleted: dict[str, dict[str, int]] = {}
    for i in items:
        if i.kind is ItemKind.EXPORTS:
            shutil.rmtree(i.location)
        elif i.kind is ItemKind.KEY:
            destroy_purpose_key(settings.keys_dir, i.subject)
            act_deleted[i.subject] = _delete_act_data(catalogue, settings, i.subject)
    for i in items:
        extra = {"act_deleted": act_deleted[i.subject]} if i.kind is ItemKind.KEY else {}
        append(
            catalogue,
            AuditEvent(
                "retention.delete",
                actor,
                "done",
                purpose=i.subject if i.kind is not ItemKind.VAULT_ROWS else "",
                dataset=i.subject if i.kind is ItemKind.VAULT_ROWS else "",
                row_count=i.count,
                detail={
                    "kind": i.kind.value,
                    "location": i.location if i.kind is not ItemKind.EXPORTS else f"exports/{i.subject}",
                    "deadline": i.deadline.isoformat(),
                    "agreements": list(i.agreements),
                    "as_of": day.isoformat(),
                    **extra,
                },
            ),
        )
    return RetentionResult(day, False, tuple(items))
