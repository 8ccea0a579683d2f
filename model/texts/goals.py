"""Texts of Mål: goals and their status."""

DA = {
    "error.goal_name_required": "Giv målet et navn.",
    "error.goal_unknown_scope": "Ukendt område for målet.",
    "error.goal_unknown_metric": "Ukendt måltal.",
    "error.goal_sprint_required": "Vælg den sprint, målet gælder.",
    "error.goal_team_required": "Vælg det team, målet gælder.",
    "error.goal_initiative_required": "Vælg den indsats, målet gælder.",
    "error.goal_scope_not_found": "Sprinten, teamet eller indsatsen findes ikke.",
    "error.goal_metric_needs_period_scope": "Virksomheder med aftale kan kun måles for en hel periode.",
    "error.goal_period_required": "Angiv periodens start og slut.",
    "error.goal_end_before_start": "Periodens slut ligger før dens start.",
    "error.goal_target_positive": "Målet skal være større end 0.",
    "error.goal_share_target_range": "En andel skal ligge mellem 0 og 1 (fx 0,6 for 60 %).",
    "error.goal_months_required": "Vælg om andelen måles efter 3, 6 eller 12 måneder.",
    "error.goal_months_only_for_share": "Måneder bruges kun ved andelen i job eller uddannelse.",
    "error.goal_owner_not_found": "Den ansvarlige findes ikke.",
}

EN = {
    "error.goal_name_required": "Give the goal a name.",
    "error.goal_unknown_scope": "Unknown scope for the goal.",
    "error.goal_unknown_metric": "Unknown metric.",
    "error.goal_sprint_required": "Choose the sprint the goal is for.",
    "error.goal_team_required": "Choose the team the goal is for.",
    "error.goal_initiative_required": "Choose the initiative the goal is for.",
    "error.goal_scope_not_found": "The sprint, team or initiative does not exist.",
    "error.goal_metric_needs_period_scope": "Companies with an agreement can only be measured for a whole period.",
    "error.goal_period_required": "Give the period's start and end.",
    "error.goal_end_before_start": "The period ends before it starts.",
    "error.goal_target_positive": "The target must be above 0.",
    "error.goal_share_target_range": "A share must be between 0 and 1 (e.g. 0.6 for 60 %).",
    "error.goal_months_required": "Choose whether the share is measured after 3, 6 or 12 months.",
    "error.goal_months_only_for_share": "Months only apply to the share in job or education.",
    "error.goal_owner_not_found": "The owner does not exist.",
}
