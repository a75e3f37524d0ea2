"""Partner files in: contracts, readers (CSV in any encoding, XLSX), validation, rejects, atomic loads."""
