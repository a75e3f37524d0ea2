"""Imports every catalogue model so that ``Base.metadata`` knows all tables (for Alembic and tests)."""

import importlib
import pkgutil

import placehub.store as _store

for _mod in pkgutil.iter_modules(_store.__path__):
    if _mod.name.startswith("models_"):
        importlib.import_module(f"placehub.store.{_mod.name}")
