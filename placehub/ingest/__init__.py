"""Partner files in: contracts, readers (CSV in any encoding, XLSX), validation, rejects, atomic loads."""

from placehub.ingest.contract import Contract, FieldSpec, FileFormat, list_contracts, load_contract
from placehub.ingest.load import LoadResult, load_file
from placehub.ingest.loads import RejectedRow, export_rejects, get_load, list_loads, rejected_rows

__all__ = [
    "Contract",
    "FieldSpec",
    "FileFormat",
    "LoadResult",
    "RejectedRow",
    "export_rejects",
    "get_load",
    "list_contracts",
    "list_loads",
    "load_contract",
    "load_file",
    "rejected_rows",
]
