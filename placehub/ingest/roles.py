"""Column roles a contract can name, and how a role is called in a message to a partner."""

from __future__ import annotations

SOURCE_ROLES = (
    "record_id",
    "nhs_number",
    "first_name",
    "middle_name",
    "surname",
    "full_name",
    "dob",
    "sex",
    "address",
    "postcode",
    "uprn",
    "phone",
    "email",
    "shared_id",
    "date_of_death",
    "household_id",
)
GAZETTEER_ROLES = (
    "uprn",
    "parent_uprn",
    "usrn",
    "address",
    "postcode",
    "sub_building",
    "building_name",
    "building_number",
    "street",
    "locality",
    "town",
    "classification",
    "x",
    "y",
    "lat",
    "lon",
    "lsoa",
    "msoa",
    "ward",
)
# Roles that may name several columns (joined with ", " in order).
MULTI_COLUMN_ROLES = frozenset({"address"})
DATE_ROLES = frozenset({"dob", "date_of_death"})

LABELS = {
    "record_id": "record id",
    "nhs_number": "NHS number",
    "first_name": "first name",
    "middle_name": "middle name",
    "full_name": "name",
    "dob": "date of birth",
    "uprn": "UPRN",
    "parent_uprn": "parent UPRN",
    "usrn": "USRN",
    "date_of_death": "date of death",
    "household_id": "household id",
    "shared_id": "shared identifier",
    "lsoa": "LSOA",
    "msoa": "MSOA",
}


def role_label(role: str) -> str:
    return LABELS.get(role, role.replace("_", " "))
