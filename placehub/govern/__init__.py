"""Agreements, access checks, pseudonyms, the audit chain, retention, objections, the transparency register."""
