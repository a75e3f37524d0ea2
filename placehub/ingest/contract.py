"""Source contracts: a Frictionless Table Schema plus placehub's roles and file format (docs/contracts.md).

A contract is checked whole when it is read, and every problem is listed at once, so a partner's data manager
can fix the file in one go.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from placehub.errors import ContractError
from placehub.ingest.roles import GAZETTEER_ROLES, MULTI_COLUMN_ROLES, SOURCE_ROLES, role_label
from placehub.settings import Settings

KINDS = ("source", "gazetteer")
FORMAT_TYPES = ("auto", "csv", "xlsx")
# Table Schema types we parse; any other valid type is kept as text.
PARSED_TYPES = ("string", "integer", "number", "date", "datetime", "boolean", "year")
REPEATED_UPRNS = ("reject", "keep", "first")
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class FieldSpec:
    """One column of the contract's Table Schema, with the constraints we enforce."""

    name: str
    type: str = "string"
    format: str = "default"
    title: str | None = None
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    minimum: Any = None
    maximum: Any = None
    min_length: int | None = None
    max_length: int | None = None
    true_values: tuple[str, ...] = ("true", "True", "TRUE", "1")
    false_values: tuple[str, ...] = ("false", "False", "FALSE", "0")

    @classmethod
    def from_descriptor(cls, d: dict[str, Any]) -> FieldSpec:
        c = d.get("constraints") or {}
        enum = c.get("enum")
        return cls(
            name=d["name"],
            type=d.get("type", "string"),
            format=d.get("format", "default"),
            title=d.get("title"),
            required=bool(c.get("required", False)),
            unique=bool(c.get("unique", False)),
            pattern=c.get("pattern"),
            enum=tuple(str(v) for v in enum) if enum is not None else None,
            minimum=c.get("minimum"),
            maximum=c.get("maximum"),
            min_length=c.get("minLength"),
            max_length=c.get("maxLength"),
            true_values=tuple(d.get("trueValues", cls.true_values)),
            false_values=tuple(d.get("falseValues", cls.false_values)),
        )


@dataclass(frozen=True)
class FileFormat:
    type: str = "auto"
    encoding: str = "auto"
    sheet: str | int | None = None
    header_row: int = 1
    delimiter: str | None = None
    # "reject": a column the contract does not name stops the load; "ignore": it is skipped.
    extra_columns: str = "reject"


@dataclass(frozen=True)
class Contract:
    name: str
    kind: str
    fields: tuple[FieldSpec, ...]
    roles: dict[str, tuple[str, ...]]
    format: FileFormat = FileFormat()
    title: str | None = None
    provider: str | None = None
    personal: bool = True
    primary_key: tuple[str, ...] = ()
    # Gazetteer only: what to do when one UPRN carries several different addresses.
    repeated_uprns: str = "reject"
    descriptor: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    path: Path | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    def role_field(self, role: str) -> str | None:
        cols = self.roles.get(role)
        return cols[0] if cols else None

    def role_of(self, field_name: str) -> str | None:
        for role, cols in self.roles.items():
            if field_name in cols and role not in MULTI_COLUMN_ROLES:
                return role
        return None

    def label(self, field_name: str) -> str:
        """A column's name in a message to the partner: its role's plain name, else its title or name."""
        role = self.role_of(field_name)
        if role:
            return role_label(role)
        spec = self.field(field_name)
        return spec.title or field_name

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, name: str | None = None, path: Path | None = None) -> Contract:
        """Check a contract descriptor completely and build it; raises ContractError listing every problem."""
        where = str(path) if path else f"contract '{name or d.get('name')}'"
        problems = _problems(d, name)
        if problems:
            raise ContractError(
                f"{where} is not a valid contract:\n" + "\n".join(f"  * {p}" for p in problems)
            )
        fmt = d.get("format") or {}
        roles = {
            role: tuple(cols) if isinstance(cols, list) else (cols,)
            for role, cols in (d.get("roles") or {}).items()
        }
        pk = d["schema"].get("primaryKey") or ()
        return cls(
            name=d.get("name") or name or "",
            kind=d.get("kind", "source"),
            fields=tuple(FieldSpec.from_descriptor(f) for f in d["schema"]["fields"]),
            roles=roles,
            format=FileFormat(
                type=fmt.get("type", "auto"),
                encoding=fmt.get("encoding", "auto") or "auto",
                sheet=fmt.get("sheet"),
                header_row=int(fmt.get("header_row", 1)),
                delimiter=fmt.get("delimiter"),
                extra_columns=fmt.get("extra_columns", "reject"),
            ),
            title=d.get("title"),
            provider=d.get("provider"),
            personal=bool(d.get("personal", d.get("kind", "source") == "source")),
            primary_key=(pk,) if isinstance(pk, str) else tuple(pk),
            repeated_uprns=d.get("repeated_uprns", "reject"),
            descriptor=d,
            path=path,
        )


def _problems(d: Any, name: str | None) -> list[str]:
    from frictionless import Schema

    if not isinstance(d, dict):
        return ["the file must hold one JSON object"]
    out: list[str] = []
    cname = d.get("name") or name
    if not cname or not _SOURCE_NAME.match(str(cname)):
        out.append(f"name {cname!r} must be lower case letters, digits, '-' or '_'")
    if name and d.get("name") and d["name"] != name:
        out.append(f"the file is named for '{name}' but its \"name\" is '{d['name']}'")
    kind = d.get("kind", "source")
    if kind not in KINDS:
        out.append(f"kind {kind!r} must be one of: {', '.join(KINDS)}")
    schema = d.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
        out.append('"schema" must be a Table Schema with a non-empty "fields" list')
        return out
    report = Schema.validate_descriptor(schema)
    out += [f"schema: {row[0]}" for row in report.flatten(["note"])]
    names = [f.get("name") for f in schema["fields"] if isinstance(f, dict)]
    seen: dict[str, str] = {}
    for n in names:
        if not isinstance(n, str) or not n.strip():
            out.append('every schema field needs a non-empty "name"')
            continue
        if n.casefold() in seen:
            out.append(f"schema fields '{seen[n.casefold()]}' and '{n}' differ only in case")
        seen[n.casefold()] = n
    for f in schema["fields"]:
        if isinstance(f, dict) and f.get("type") == "date":
            fmt = f.get("format", "default")
            if fmt not in ("default", "any", "uk") and "%" not in fmt:
                out.append(
                    f"field '{f.get('name')}': date format {fmt!r} must be default, any, uk or a %-pattern"
                )
        c = (f.get("constraints") or {}) if isinstance(f, dict) else {}
        if c.get("pattern"):
            try:
                re.compile(c["pattern"])
            except re.error as exc:
                out.append(
                    f"field '{f.get('name')}': pattern {c['pattern']!r} is not a regular expression: {exc}"
                )
    kind = "gazetteer" if kind == "gazetteer" else "source"
    allowed = SOURCE_ROLES if kind == "source" else GAZETTEER_ROLES
    roles = d.get("roles") or {}
    if not isinstance(roles, dict):
        out.append('"roles" must be an object of role → column name')
        roles = {}
    for role, cols in roles.items():
        if role not in allowed:
            out.append(f"role '{role}' is not a {kind} role (roles: {', '.join(allowed)})")
            continue
        if isinstance(cols, list):
            if role not in MULTI_COLUMN_ROLES:
                out.append(f"role '{role}' names one column, not a list")
                continue
            col_list = cols
        else:
            col_list = [cols]
        for col in col_list:
            if col not in names:
                out.append(f"role '{role}' names column '{col}', which is not in the schema")
    if kind == "gazetteer":
        if "uprn" not in roles:
            out.append("a gazetteer contract needs a 'uprn' role")
        parts = ("address", "street", "building_name", "building_number", "sub_building")
        if not any(r in roles for r in parts):
            out.append("a gazetteer contract needs an 'address' role or address components (street, …)")
        if d.get("repeated_uprns", "reject") not in REPEATED_UPRNS:
            out.append(f"repeated_uprns must be one of: {', '.join(REPEATED_UPRNS)}")
    fmt = d.get("format") or {}
    if fmt.get("type", "auto") not in FORMAT_TYPES:
        out.append(f"format.type {fmt.get('type')!r} must be one of: {', '.join(FORMAT_TYPES)}")
    if not isinstance(fmt.get("header_row", 1), int) or fmt.get("header_row", 1) < 1:
        out.append("format.header_row must be a whole number from 1")
    delim = fmt.get("delimiter")
    if delim is not None and (not isinstance(delim, str) or len(delim) != 1):
        out.append("format.delimiter must be one character (or null to detect it)")
    if fmt.get("extra_columns", "reject") not in ("reject", "ignore"):
        out.append("format.extra_columns must be 'reject' or 'ignore'")
    enc = fmt.get("encoding", "auto")
    if enc and enc != "auto":
        import codecs

        try:
            codecs.lookup(enc)
        except LookupError:
            out.append(f"format.encoding {enc!r} is not an encoding Python knows")
    return out


def contract_from_file(path: Path) -> Contract:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ContractError(
            f"{path} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    return Contract.from_dict(d, name=path.stem, path=path)


def find_contract(settings: Settings, source: str) -> Path:
    for d in settings.contracts_dirs:
        p = d / f"{source}.json"
        if p.is_file():
            return p
    looked = ", ".join(str(d) for d in settings.contracts_dirs)
    raise ContractError(f"No contract for source '{source}': looked in {looked}")


def load_contract(settings: Settings, source: str) -> Contract:
    """The contract named ``source`` from the first contracts folder that has ``<source>.json``."""
    return contract_from_file(find_contract(settings, source))


def list_contracts(settings: Settings) -> dict[str, Path]:
    """Every contract name visible from the settings, with the file that wins."""
    found: dict[str, Path] = {}
    for d in settings.contracts_dirs:
        if d.is_dir():
            for p in sorted(d.glob("*.json")):
                found.setdefault(p.stem, p)
    return found
