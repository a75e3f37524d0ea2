"""The words a partner records an outcome in (one place, shared by outcomes, builds and coverage)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    CONTACTED = "contacted"
    NEED_IDENTIFIED = "need_identified"
    REFERRED = "referred"
    DECLINED = "declined"
    UNREACHABLE = "unreachable"
    DECEASED = "deceased"  # learnt at the door: the person leaves every cohort of the purpose


class Need(StrEnum):
    FOOD = "food"
    MEDICINE = "medicine"
    LONELINESS = "loneliness"  # loneliness and connection
    DIGITAL = "digital"
    MONEY = "money"
    HOUSING = "housing"


# A conversation happened (declining help is still being reached): the person leaves "not yet contacted".
SUCCESSFUL = frozenset({Status.CONTACTED, Status.NEED_IDENTIFIED, Status.REFERRED, Status.DECLINED})
