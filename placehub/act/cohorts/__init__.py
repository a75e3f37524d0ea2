"""Cohort definitions shipped with placehub (YAML; package data)."""
