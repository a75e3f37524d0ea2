"""The one door to person-level data: ``open_access(...)`` → ``Access.rows(dataset, columns)``.

An access is a user acting for an organisation under one purpose. It is granted only when the user is active,
belongs to the organisation, has a role that may see person-level rows, and the organisation is a recipient of
an agreement for that purpose in force today. ``rows`` then allows only the agreement's datasets and columns,
only rows in its geography (and, for partner workers, only records assigned to their organisation), removes
objectors, and appends one audit entry — allowed or denied, with the rule that refused.

``review_rows(dataset, columns, record_ids)`` is the clerical-review door: it also admits named records that
have no confirmed place yet (an address waiting for match review, a record in an uncertain linkage pair).
The geographic-scope rule cannot be applied to a record whose place is unknown, so this door is narrower in
every other way: only the named records, only analysts (and IG officers, who never get an access at all),
never partner workers; records with a confirmed place outside the agreement's geography stay out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

import duckdb
import pandas as pd

from placehub.errors import NotFound, NotPermitted
from placehub.govern.agreement import PERSON_ID, Agreement, AgreementState
from placehub.govern.agreements import current_agreements
from placehub.govern.audit import AuditEvent, append
from placehub.govern.objections import apply_objections, objections_digest
from placehub.govern.people import READS_PERSON_LEVEL, Role, UserInfo, get_user, resolve_token
from placehub.govern.pseudonyms import pseudonymise_all
from placehub.govern.remembered import Read, remembered
from placehub.govern.scope_query import (
    ScopeFilter,
    flagged_rows_sql,
    ident,
    parameters,
    raw_table,
    read_tables,
    try_ensure_assignments,
)
from placehub.settings import Settings
from placehub.store import Catalogue, Vault
from placehub.store.vault import OnDemand


class Rule(StrEnum):
    """The rules an access can be refused by (named in every refusal and audit entry)."""

    UNKNOWN_USER = "unknown_user"
    USER_INACTIVE = "user_inactive"
    NOT_MEMBER = "not_member"
    ROLE = "role"
    NO_AGREEMENT = "no_agreement"
    NOT_RECIPIENT = "not_recipient"
    AGREEMENT_NOT_STARTED = "agreement_not_started"
    AGREEMENT_EXPIRED = "agreement_expired"
    DATASET_NOT_COVERED = "dataset_not_covered"
    COLUMNS_NOT_COVERED = "columns_not_covered"
    PSEUDONYMISE_UNKNOWN = "pseudonymise_unknown"
    REVIEW_ROLE = "review_role"


# Roles that may look at records with no confirmed place, one by one, to review them (see review_rows).
REVIEWS_UNPLACED = frozenset({Role.ANALYST, Role.IG_OFFICER})


@dataclass(frozen=True)
class _SeenVault(Vault):
    """The vault as one read finds it: its tables listed once, so that the read's many "is there a ... table?"
    questions (the raw table, records, matches, gazetteer, assignments, links) cost one catalog query."""

    tables: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, vault: Vault, con: duckdb.DuckDBPyConnection) -> _SeenVault:
        names = con.execute("select table_name from information_schema.tables").fetchall()
        return cls(vault.path, frozenset(n for (n,) in names))

    def has_table(self, con: duckdb.DuckDBPyConnection, name: str) -> bool:
        return name in self.tables


def _refuse(
    catalogue: Catalogue,
    *,
    actor: str,
    organisation: str,
    purpose: str,
    rules: Sequence[Rule],
    reasons: Sequence[str],
    dataset: str = "",
    columns: Sequence[str] = (),
    fingerprint: str = "",
) -> NotPermitted:
    rule_text = ",".join(r.value for r in rules)
    append(
        catalogue,
        AuditEvent(
            "access.open" if not dataset else "access.rows",
            actor,
            "denied",
            organisation=organisation,
            purpose=purpose,
            dataset=dataset,
            columns=columns,
            fingerprint=fingerprint,
            rule=rule_text,
        ),
    )
    body = "\n".join(f"  * {r}" for r in reasons)
    return NotPermitted(
        f"Access refused (rule: {rule_text}) for {actor} at {organisation}, purpose {purpose}:\n{body}"
    )


def open_access(
    catalogue: Catalogue,
    settings: Settings,
    *,
    username: str,
    organisation: str,
    purpose: str,
    today: date | None = None,
) -> Access:
    """Grant an access or raise NotPermitted naming every rule that refused (the refusal is audited)."""
    day = today or date.today()
    rules: list[Rule] = []
    reasons: list[str] = []
    try:
        user: UserInfo | None = get_user(catalogue, username)
    except NotFound:
        user = None
        rules.append(Rule.UNKNOWN_USER)
        reasons.append(f"there is no user '{username}'")
    if user is not None:
        if not user.active:
            rules.append(Rule.USER_INACTIVE)
            reasons.append(f"user '{username}' is not active")
        if user.organisation != organisation:
            rules.append(Rule.NOT_MEMBER)
            reasons.append(f"user '{username}' belongs to '{user.organisation}', not '{organisation}'")
        if user.role not in READS_PERSON_LEVEL:
            rules.append(Rule.ROLE)
            reasons.append(
                f"the role '{user.role.value}' may not see person-level rows "
                f"(only: {', '.join(sorted(r.value for r in READS_PERSON_LEVEL))})"
            )
    chosen: Agreement | None = None
    for_purpose = [a for a in current_agreements(catalogue) if a.purpose == purpose]
    mine = [a for a in for_purpose if a.is_recipient(organisation)]
    if not for_purpose:
        rules.append(Rule.NO_AGREEMENT)
        reasons.append(f"no agreement has the purpose '{purpose}'")
    elif not mine:
        rules.append(Rule.NOT_RECIPIENT)
        reasons.append(
            f"'{organisation}' is not a recipient party of " + ", ".join(a.ref for a in for_purpose)
        )
    else:
        active = [a for a in mine if a.state(day) is AgreementState.ACTIVE]
        if active:
            chosen = max(active, key=lambda a: a.start)
        elif all(a.state(day) is AgreementState.NOT_STARTED for a in mine):
            rules.append(Rule.AGREEMENT_NOT_STARTED)
            first = min(mine, key=lambda a: a.start)
            reasons.append(f"agreement {first.ref} starts on {first.start} (today is {day})")
        else:
            rules.append(Rule.AGREEMENT_EXPIRED)
            last = max(mine, key=lambda a: a.end)
            reasons.append(f"agreement {last.ref} ended on {last.end} (today is {day})")
    if rules or user is None or chosen is None:
        raise _refuse(
            catalogue,
            actor=username,
            organisation=organisation,
            purpose=purpose,
            rules=rules,
            reasons=reasons,
        )
    append(
        catalogue,
        AuditEvent(
            "access.open",
            username,
            "allowed",
            organisation=organisation,
            purpose=purpose,
            detail={"agreement": chosen.id, "version": chosen.version},
        ),
    )
    return Access(
        user=user,
        organisation=organisation,
        purpose=purpose,
        agreement=chosen,
        catalogue=catalogue,
        vault=Vault(settings.vault_path),
        keys_dir=settings.keys_dir,
        today=today,
    )


def access_from_token(
    catalogue: Catalogue, settings: Settings, token: str, *, today: date | None = None
) -> Access:
    """The access an API token stands for: its user, the user's organisation, the token's one purpose."""
    username, purpose = resolve_token(catalogue, token)
    user = get_user(catalogue, username)
    return open_access(
        catalogue, settings, username=username, organisation=user.organisation, purpose=purpose, today=today
    )


@dataclass(frozen=True)
class Access:
    user: UserInfo
    organisation: str
    purpose: str
    agreement: Agreement
    catalogue: Catalogue
    vault: Vault
    keys_dir: Path
    today: date | None = None

    def _refusal(self, rules: Sequence[Rule], reasons: Sequence[str], dataset: str, columns: Sequence[str]):  # type: ignore[no-untyped-def]
        return _refuse(
            self.catalogue,
            actor=self.user.username,
            organisation=self.organisation,
            purpose=self.purpose,
            rules=rules,
            reasons=reasons,
            dataset=dataset,
            columns=columns,
            fingerprint=self.fingerprint(dataset, columns, ()),
        )

    def fingerprint(self, dataset: str, columns: Sequence[str], pseudonymise: Sequence[str]) -> str:
        """SHA-256 of what was asked and under which terms: the same query gives the same fingerprint."""
        spec = {
            "agreement": self.agreement.ref,
            "dataset": dataset,
            "columns": list(columns),
            "pseudonymise": sorted(pseudonymise),
            "assigned_to": self.organisation if self.user.role is Role.PARTNER_WORKER else None,
        }
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()

    def check(self, dataset: str, columns: Sequence[str], pseudonymise: Sequence[str] = ()) -> None:
        """Refuse (and audit) a request the agreement does not cover, listing every missing item at once."""
        day = self.today or date.today()
        rules: list[Rule] = []
        reasons: list[str] = []
        state = self.agreement.state(day)
        if state is AgreementState.NOT_STARTED:
            rules.append(Rule.AGREEMENT_NOT_STARTED)
            reasons.append(
                f"agreement {self.agreement.ref} starts on {self.agreement.start} (today is {day})"
            )
        elif state is AgreementState.EXPIRED:
            rules.append(Rule.AGREEMENT_EXPIRED)
            reasons.append(f"agreement {self.agreement.ref} ended on {self.agreement.end} (today is {day})")
        missing = self.agreement.missing_items(self.organisation, dataset, columns)
        terms = self.agreement.dataset(dataset)
        if terms is None or self.organisation not in terms.recipients:
            rules.append(Rule.DATASET_NOT_COVERED)
            reasons.append(
                f"agreement {self.agreement.ref} ({self.purpose}) does not share '{dataset}' with "
                f"'{self.organisation}', so none of these items: {', '.join(missing)}"
            )
        elif missing:
            rules.append(Rule.COLUMNS_NOT_COVERED)
            reasons.append(
                f"agreement {self.agreement.ref} ({self.purpose}) does not cover:\n"
                + "\n".join(f"      - {m}" for m in missing)
                + "\n    Ask the SRO to amend the agreement, or drop these columns."
            )
        if unknown := [c for c in pseudonymise if c not in columns]:
            rules.append(Rule.PSEUDONYMISE_UNKNOWN)
            reasons.append(f"asked to pseudonymise columns not requested: {', '.join(unknown)}")
        if rules:
            raise self._refusal(rules, reasons, dataset, columns)

    def rows(
        self,
        dataset: str,
        columns: Sequence[str],
        *,
        pseudonymise: Sequence[str] = (),
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> pd.DataFrame:
        """Person-level rows of ``dataset`` (a source) limited to ``columns``, as a materialised DataFrame.

        ``pseudonymise`` names requested columns replaced by this purpose's HMAC pseudonym (e.g. a person id).
        """
        columns = list(dict.fromkeys(columns))
        self.check(dataset, columns, pseudonymise)
        if con is None:  # opened only when the read is not remembered (see govern.remembered)
            with OnDemand(self.vault.connect) as own:
                return self._read(own, dataset, columns, pseudonymise)  # type: ignore[arg-type]
        return self._read(con, dataset, columns, pseudonymise)

    def _scope(self, *, assigned_to: str | None) -> ScopeFilter:
        """The agreement's geography and purpose as a scope filter (``assigned_to``: only that organisation's
        assigned records)."""
        return ScopeFilter(
            whole_place=self.agreement.whole_place,
            wards=tuple(sorted(self.agreement.wards)),
            lsoas=tuple(sorted(self.agreement.lsoas)),
            assigned_to=assigned_to,
            purpose=self.purpose,
        )

    def _terms(self, kind: str, dataset: str, columns: Sequence[str], *extra: Hashable) -> tuple:
        """What a read's rows depend on besides the vault's state (the key in ``govern.remembered``)."""
        scope = self._scope(assigned_to=self.organisation if self.user.role is Role.PARTNER_WORKER else None)
        return (
            kind, dataset, tuple(columns), scope, str(self.keys_dir), self.agreement.id,
            self.agreement.version, objections_digest(self.catalogue, self.purpose), *extra,
        )  # fmt: skip

    def _read(
        self, con: duckdb.DuckDBPyConnection, dataset: str, columns: list[str], pseudonymise: Sequence[str]
    ) -> pd.DataFrame:
        what = self._terms("rows", dataset, columns, tuple(sorted(pseudonymise)))
        compute = lambda: self._select(con, dataset, columns, pseudonymise)  # noqa: E731
        read = remembered(self.vault.path, what, compute, read_tables(dataset))
        self._allowed("access.rows", dataset, columns, read, pseudonymise)
        return read.frame

    def _select(
        self, con: duckdb.DuckDBPyConnection, dataset: str, columns: list[str], pseudonymise: Sequence[str]
    ) -> Read:
        """The rows ``rows`` hands out and the counts its audit entry records, read from the vault."""
        seen = _SeenVault.of(self.vault, con)
        if not seen.has_table(con, "assignments"):
            try_ensure_assignments(self.vault, con)  # a read-only connection reads it as empty
            seen = _SeenVault.of(self.vault, con)
        raw = raw_table(seen, con, dataset)
        if raw is None or not seen.has_table(con, "records"):
            raise NotFound(f"No data has been loaded for '{dataset}' yet.")
        scope = self._scope(assigned_to=self.organisation if self.user.role is Role.PARTNER_WORKER else None)
        sql = flagged_rows_sql(seen, con, raw, scope)
        params = {k: v for k, v in parameters(scope, dataset).items() if f"${k}" in sql}
        tmp = f"_access_{hashlib.sha256(sql.encode()).hexdigest()[:8]}"
        con.execute(f"create or replace temp table {tmp} as {sql}", params)
        try:
            total, in_scope, assigned = con.execute(
                f"select count(*), count(*) filter (where __in_scope), "  # noqa: S608
                f"count(*) filter (where __in_scope and __assigned) from {tmp}"
            ).fetchone()
            kept = con.table(tmp).filter("__in_scope and __assigned")
            frame, excluded = self._shared(con, kept, columns)
        finally:
            con.execute(f"drop table if exists {tmp}")
        for c in dict.fromkeys([*pseudonymise, *([PERSON_ID] if PERSON_ID in columns else [])]):
            frame[c] = pseudonymise_all(
                self.keys_dir, self.purpose, [None if pd.isna(v) else str(v) for v in frame[c]]
            )
        counts = {
            "rows_in_source": int(total),
            "out_of_scope": int(total - in_scope),
            "not_assigned": int(in_scope - assigned),
            "objections_excluded": excluded,
        }
        return Read(frame, counts)

    def _shared(
        self, con: duckdb.DuckDBPyConnection, rows: duckdb.DuckDBPyRelation, columns: list[str], *lead: str
    ) -> tuple[pd.DataFrame, int]:
        """``rows`` without objectors, in the partner's file order, as ``lead`` + ``columns``; and how many
        objectors were left out. person_id is the link stage's stable id: callers pseudonymise it."""
        outcome = apply_objections(
            self.catalogue,
            con,
            rows,
            keys_dir=self.keys_dir,
            nhs_number_column="__nhs_number",
            person_id_column="__person_id",
            purpose=self.purpose,
            audit=False,
        )
        assert outcome.relation is not None
        wanted = [f"__person_id as {PERSON_ID}" if c == PERSON_ID else ident(c) for c in columns]
        projection = [*lead, *wanted]
        ordered = outcome.relation.order("_load_id, _row_number")
        return ordered.project(", ".join(projection)).df(), outcome.excluded

    def review_rows(
        self,
        dataset: str,
        columns: Sequence[str],
        record_ids: Sequence[str],
        *,
        action: str = "access.review_rows",
        context: dict[str, object] | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> pd.DataFrame:
        """Rows of the named records of ``dataset`` for clerical review, indexed by record id.

        The agreement, column, date and objection rules are those of ``rows``. The geographic rule differs:
        a record whose place is confirmed must lie in the agreement's geography, but a record with no
        confirmed place (not matched, or waiting for review) is admitted, because its place cannot be known
        until someone reviews it. Only roles in ``REVIEWS_UNPLACED`` may ask. ``action`` names the showing in
        the audit chain (e.g. ``match.review.show``) and ``context`` adds ids to its detail (e.g. the review
        item); one entry is appended, allowed or denied. ``con``: the caller's connection (read-only will do),
        else one of its own, read-only once the vault exists.
        """
        columns = list(dict.fromkeys(columns))
        ids = sorted({str(r) for r in record_ids})
        if self.user.role not in REVIEWS_UNPLACED:
            raise self._refusal(
                [Rule.REVIEW_ROLE],
                [
                    f"the role '{self.user.role.value}' may not review records without a confirmed place "
                    f"(only: {', '.join(sorted(r.value for r in REVIEWS_UNPLACED))})"
                ],
                dataset,
                columns,
            )
        self.check(dataset, columns)
        if con is not None:
            return self._read_for_review(con, dataset, columns, ids, action, dict(context or {}))
        with OnDemand(lambda: self.vault.connect(read_only=self.vault.path.exists())) as own:
            return self._read_for_review(own, dataset, columns, ids, action, dict(context or {}))  # type: ignore[arg-type]

    def _read_for_review(
        self,
        con: duckdb.DuckDBPyConnection,
        dataset: str,
        columns: list[str],
        ids: list[str],
        action: str,
        context: dict[str, object],
    ) -> pd.DataFrame:
        what = self._terms("review", dataset, columns, tuple(ids))
        compute = lambda: self._select_for_review(con, dataset, columns, ids)  # noqa: E731
        read = remembered(self.vault.path, what, compute, read_tables(dataset))
        self._allowed(action, dataset, columns, read, (), {**context, "records_named": len(ids)})
        return read.frame

    def _allowed(
        self,
        action: str,
        dataset: str,
        columns: list[str],
        read: Read,
        pseudonymise: Sequence[str],
        detail: dict[str, object] | None = None,
    ) -> None:
        """The audit entry of a read handed out: who, under which agreement, what, how many, and the counts
        of what was left out (scope, assignment, objections)."""
        append(
            self.catalogue,
            AuditEvent(
                action,
                self.user.username,
                "allowed",
                organisation=self.organisation,
                purpose=self.purpose,
                dataset=dataset,
                columns=columns,
                row_count=len(read.frame),
                fingerprint=self.fingerprint(dataset, columns, pseudonymise),
                detail={
                    **(detail or {}),
                    "agreement": self.agreement.id,
                    "version": self.agreement.version,
                    **read.counts,
                },
            ),
        )

    def _select_for_review(
        self, con: duckdb.DuckDBPyConnection, dataset: str, columns: list[str], ids: list[str]
    ) -> Read:
        """The named records ``review_rows`` hands out, indexed by record id, and its audit counts."""
        seen = _SeenVault.of(self.vault, con)
        raw = raw_table(seen, con, dataset)
        if raw is None or not seen.has_table(con, "records"):
            raise NotFound(f"No data has been loaded for '{dataset}' yet.")
        scope = self._scope(assigned_to=None)  # partner workers never reach here
        flagged = flagged_rows_sql(seen, con, raw, scope)
        if seen.has_table(con, "matches"):
            # a confirmed place as the scope query counts one: an auto or reviewed match with a UPRN
            placed = (
                "select load_id, record_id from matches "
                "where source = $source and status in ('auto', 'reviewed') and uprn is not null "
                "group by load_id, record_id"
            )
        else:
            placed = "select null::bigint load_id, null::varchar record_id where false"
        sql = (
            f"with f as ({flagged}), placed as ({placed}) "  # noqa: S608
            "select f.*, p.record_id is not null as __placed from f "
            "left join placed p on p.load_id = f._load_id and p.record_id = f.__record_id "
            "where list_contains($ids, f.__record_id)"
        )
        params = {k: v for k, v in parameters(scope, dataset).items() if f"${k}" in flagged}
        params.update(source=dataset, ids=ids)
        # a temp table (allowed on a read-only connection) holds the named records, so that the counts and
        # the objection check below read a handful of rows, not the whole source again
        tmp = f"_review_{hashlib.sha256(sql.encode()).hexdigest()[:8]}"
        con.execute(f"create or replace temp table {tmp} as {sql}", params)
        try:
            named, out_of_scope, unplaced = con.execute(
                f"select count(*), count(*) filter (where __placed and not __in_scope), "  # noqa: S608
                f"count(*) filter (where not __placed) from {tmp}"
            ).fetchone()
            admitted = con.table(tmp).filter("__in_scope or not __placed")
            frame, excluded = self._shared(con, admitted, columns, "__record_id")
        finally:
            con.execute(f"drop table if exists {tmp}")
        frame = frame.set_index("__record_id")
        frame.index.name = "record_id"
        if PERSON_ID in columns:
            frame[PERSON_ID] = pseudonymise_all(
                self.keys_dir, self.purpose, [None if pd.isna(v) else str(v) for v in frame[PERSON_ID]]
            )
        counts = {
            "records_found": int(named),
            "out_of_scope": int(out_of_scope),
            "unplaced_admitted": int(unplaced),
            "objections_excluded": excluded,
        }
        return Read(frame, counts)
