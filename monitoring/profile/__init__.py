"""A school's profile and its «500+» risk factors: reading them, saving them, and which
activities of the school's roadmaps address its risks (coverage).

- ``catalogue``: the risk-factor catalogue, the levels that call for action, the academic year;
- ``figures``: the profile as its page shows it (the five groups, derived shares and ratios);
- ``queries``: the school's levels, the counts over a scope, the coverage by activities;
- ``services``: the writes;
- ``demo``: demo profiles, levels and tags for Таганрог.
"""

from __future__ import annotations

from monitoring.profile.catalogue import (
    ACTION_LEVELS,
    CATALOGUE,
    FIRST_YEAR,
    LEVEL_CSS,
    current_academic_year,
    risk_factors_load,
)
from monitoring.profile.demo import DEMO_OTHER_FACTORS, DEMO_RISKS, DEMO_TAGS, load_demo_profiles
from monitoring.profile.figures import (
    BETTER,
    CATEGORIES,
    PROFILE_FIELDS,
    Figure,
    ProfileRow,
    ProfileSection,
    profile_sections,
)
from monitoring.profile.queries import (
    ActivityRisks,
    CoverageRow,
    RiskCoverage,
    activity_risks_for,
    risk_coverage,
    risk_factor_counts,
    school_risk_levels,
    school_roadmaps,
)
from monitoring.profile.services import (
    StaleSave,
    activity_risks_save,
    profile_version,
    risks_version,
    school_profile_save,
    school_risks_save,
)

__all__ = [
    "ACTION_LEVELS",
    "BETTER",
    "CATALOGUE",
    "CATEGORIES",
    "DEMO_OTHER_FACTORS",
    "DEMO_RISKS",
    "DEMO_TAGS",
    "FIRST_YEAR",
    "LEVEL_CSS",
    "PROFILE_FIELDS",
    "ActivityRisks",
    "CoverageRow",
    "Figure",
    "ProfileRow",
    "ProfileSection",
    "RiskCoverage",
    "activity_risks_for",
    "activity_risks_save",
    "current_academic_year",
    "load_demo_profiles",
    "profile_sections",
    "risk_coverage",
    "risk_factor_counts",
    "risk_factors_load",
    "school_profile_save",
    "StaleSave",
    "profile_version",
    "risks_version",
    "school_risk_levels",
    "school_risks_save",
    "school_roadmaps",
]
