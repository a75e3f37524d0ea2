"""Agreements, access checks, pseudonyms, the audit chain, retention, objections, the transparency register.

Person-level rows reach a person only through ``open_access(...).rows(...)`` (see docs/security.md).
"""

from placehub.govern.access import Access, Rule, access_from_token, open_access
from placehub.govern.agreement import Agreement, AgreementState, ContractLookup, InvalidAgreement
from placehub.govern.agreements import (
    add_agreement,
    current_agreements,
    get_agreement,
    validate_file,
    version_history,
)
from placehub.govern.audit import AuditEvent, VerifyResult, append, head, verify
from placehub.govern.demo import set_up_demo_governance
from placehub.govern.objections import (
    IdentifierKind,
    add_objection,
    apply_objections,
    list_objections,
    remove_objection,
)
from placehub.govern.people import (
    Role,
    add_organisation,
    add_user,
    check_password,
    create_token,
    resolve_token,
)
from placehub.govern.pseudonyms import destroy_purpose_key, pseudonym
from placehub.govern.register import build_register
from placehub.govern.retention import run_retention
from placehub.govern.scope_query import ensure_assignments

__all__ = [
    "Access",
    "Agreement",
    "AgreementState",
    "AuditEvent",
    "ContractLookup",
    "IdentifierKind",
    "InvalidAgreement",
    "Role",
    "Rule",
    "VerifyResult",
    "access_from_token",
    "add_agreement",
    "add_objection",
    "add_organisation",
    "add_user",
    "append",
    "apply_objections",
    "build_register",
    "check_password",
    "create_token",
    "current_agreements",
    "destroy_purpose_key",
    "ensure_assignments",
    "get_agreement",
    "head",
    "list_objections",
    "open_access",
    "pseudonym",
    "remove_objection",
    "resolve_token",
    "run_retention",
    "set_up_demo_governance",
    "validate_file",
    "verify",
    "version_history",
]
