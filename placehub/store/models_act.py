"""Catalogue tables for act: cohort builds, outcomes, and partner organisations and services (Open Referral
UK).

Outcomes name the resident only by the purpose's pseudonym (HMAC of the member id under the purpose key), so
the catalogue never holds a link person id in clear and two purposes' outcomes cannot be joined. Types are
portable (SQLite and PostgreSQL); times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from placehub.store.db import Base


class CohortBuild(Base):
    """One build of a cohort: which definition (name, version, SHA-256), by whom, what it found."""

    __tablename__ = "act_cohort_builds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    definition_sha256: Mapped[str] = mapped_column(String(64))
    definition: Mapped[str] = mapped_column(Text)  # the YAML exactly as used
    purpose: Mapped[str] = mapped_column(String(100))
    agreement: Mapped[str] = mapped_column(String(120))  # "<id> v<version>"
    built_by: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    population: Mapped[int] = mapped_column(Integer)  # members considered (people or households)
    open_members: Mapped[int] = mapped_column(Integer)  # in the cohort, not yet reached
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # exclusions per rule, etc.


class Outcome(Base):
    """What a partner worker recorded about one cohort member."""

    __tablename__ = "act_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort: Mapped[str] = mapped_column(String(100), index=True)
    purpose: Mapped[str] = mapped_column(String(100))
    pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    organisation: Mapped[str] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(30))
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PartnerOrganisation(Base):
    """An Open Referral UK organization, tied to a placehub organisation id (its slug)."""

    __tablename__ = "act_partner_organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # ORUK uuid
    slug: Mapped[str] = mapped_column(String(64), unique=True)  # govern_organisations.id
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # other ORUK fields, kept as given


class PartnerService(Base):
    """An Open Referral UK service with what placehub needs to assign people to it."""

    __tablename__ = "act_partner_services"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # ORUK uuid
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)  # PartnerOrganisation.id
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(30))
    capacity: Mapped[int] = mapped_column(Integer)  # people it can take on at once
    purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    areas: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # [{"code": GSS, "name": …}]
    document: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # other ORUK fields, kept as given
