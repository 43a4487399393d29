"""lk3: the LK3 service workflow (Permensos 16/2013) as typed state machines.

A thin Python layer over the Rust core (the compiled module ``lk3._lk3``):
the same rule set, validator and stores the Rust crates use.

- :func:`rule_set`, :func:`diagram`: the rule set as data and as diagrams;
- :func:`validate`, :func:`schema`: documents checked against the published
  JSON Schemas and the rules;
- :class:`Store`: cases in memory, SQLite or PostgreSQL; commands as typed
  methods or ``store.execute(case_id, {"type": ...}, actor=..., at=...)``;
  read-only :class:`Case` objects; queries;
- DataFrames (pandas, optional): ``store.cases_frame()``, ``events_frame()``,
  ``services_frame()``, ``referrals_frame()``, ``clients_frame()``, each
  with ``pseudonymise=True`` for data fit to analyse outside the unit
  (times coarsened, ages banded); :func:`rare_combinations` and
  :func:`class_sizes` find the rows a neighbour could single out;
- :meth:`Store.report`: a unit's or a region's :class:`Report` over a
  period, counted from the events, each breakdown ``report.to_frame(name)``;
- exceptions: :class:`Lk3Error` and one subclass per error area, each with
  the ``LK3-Exxx`` code and the message in English and Indonesian.
"""

from ._frames import MissingDependency, Table
from ._lk3 import __version__
from ._privacy import QUASI_IDENTIFIERS, RESOLUTIONS, Resolution, class_sizes, rare_combinations
from .errors import (
    CommandRefused,
    ConsentRequired,
    Conflict,
    Finding,
    IntegrityError,
    Lk3Error,
    NotFound,
    PermissionDenied,
    StoreError,
    TransitionRefused,
    ValidationError,
)
from . import commands
from .models import (
    Actor,
    Aid,
    Case,
    CaseClient,
    CaseSummary,
    Consent,
    Executed,
    ImportReport,
    ProtectiveReferral,
    Service,
    ServiceSummary,
    Transfer,
    KeptRecord,
    Outreach,
    OutreachSummary,
    OutreachVisit,
)
from .report import Report
from .rules import (
    ValidationResult,
    access_rules,
    age_bands,
    diagram,
    new_id,
    pseudonym,
    rule_set,
    rule_set_in_force,
    rule_sets,
    schema,
    schema_names,
    validate,
)
from .store import TABLES, Store

__all__ = [
    "__version__",
    # rules, schemas, validation
    "rule_set",
    "rule_set_in_force",
    "rule_sets",
    "diagram",
    "schema",
    "schema_names",
    "validate",
    "ValidationResult",
    "Finding",
    "new_id",
    "pseudonym",
    "age_bands",
    "access_rules",
    # stores and cases
    "Store",
    "Actor",
    "Case",
    "CaseClient",
    "Consent",
    "ProtectiveReferral",
    "Transfer",
    "KeptRecord",
    "Aid",
    "Outreach",
    "OutreachVisit",
    "OutreachSummary",
    "Service",
    "CaseSummary",
    "ServiceSummary",
    "Executed",
    "ImportReport",
    "commands",
    "Report",
    "Table",
    "TABLES",
    "MissingDependency",
    # sharing pseudonymised tables
    "RESOLUTIONS",
    "Resolution",
    "QUASI_IDENTIFIERS",
    "rare_combinations",
    "class_sizes",
    # errors
    "Lk3Error",
    "ValidationError",
    "CommandRefused",
    "TransitionRefused",
    "PermissionDenied",
    "ConsentRequired",
    "NotFound",
    "Conflict",
    "IntegrityError",
    "StoreError",
]
