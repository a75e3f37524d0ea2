"""Act: cohorts under an agreement's purpose, partner services (Open Referral UK), assignment, worklists,
outcomes, escalation and coverage.

Person-level reads go through an ``Access`` (placehub.govern); see docs/act.md.
"""

from placehub.act.assign import AssignResult, assign_cohort, reassign
from placehub.act.build import BuildResult, build_cohort
from placehub.act.contact import contact_times
from placehub.act.demo import ActDemoSummary, act_demo
from placehub.act.followup import CoverageRow, Escalation, coverage, escalations
from placehub.act.outcomes import OutcomeRow, read_outcomes, record_outcome
from placehub.act.outcomes_vocab import Need, Status
from placehub.act.rules import CohortDefinition, InvalidCohort, load_definition, proxy_register
from placehub.act.services import export_services, import_services, organisations, services
from placehub.act.session import user_access
from placehub.act.worklist import Explanation, Worklist, explain, export_worklist, worklist

__all__ = [
    "ActDemoSummary",
    "AssignResult",
    "BuildResult",
    "CohortDefinition",
    "CoverageRow",
    "Escalation",
    "Explanation",
    "InvalidCohort",
    "Need",
    "OutcomeRow",
    "Status",
    "Worklist",
    "act_demo",
    "assign_cohort",
    "build_cohort",
    "contact_times",
    "coverage",
    "escalations",
    "explain",
    "export_services",
    "export_worklist",
    "import_services",
    "load_definition",
    "organisations",
    "proxy_register",
    "read_outcomes",
    "reassign",
    "record_outcome",
    "services",
    "user_access",
    "worklist",
]
