"""The one access rule: `allowed(user, action, region, run)` decides who may do what, and nothing else does.

Modelled on datasette's `permission_allowed(actor, action, resource)`. `user` is an account
(`capaian.accounts.User`: `role`, `region_code`) or None for the public; `region` a region code
(`ID` for the nation, `65`, `65.71`, `65.71.01`, ...) or None; `run` the evaluation run the
question is about: anything with `.published` (a `RunView`), a catalog row / run metadata dict
(`published` or `published_at`), a bool (published or not), or None for "any run, published or
not" (the strict answer).

Roles and jurisdiction:
- national users: every region, every run; they evaluate and publish runs;
- a province user: its province and every region below it;
- a regency/city user: its regency/city and every region below it;
- the public (no account): no jurisdiction.

Actions:
- `view`: a region's figures in a run. Within the user's jurisdiction: in every run, published or
  not. Outside it: a published run is public down to the regency/city (`ID`, `65`, `65.71`), as
  the directorate's and the provinces' press releases publish regency figures and levels;
  districts and villages stay within jurisdiction.
- `view_below`: the figures of every region below `region` (a province page's regency table, the
  values in an explanation's list of lagging regencies): within jurisdiction in any run; for
  everyone below the nation and a province in a published run (its regencies/cities). Below a
  regency (its districts and villages: the outreach lists) only within jurisdiction.
- `report`: a report file of a scope. Within jurisdiction: any run. The national and province
  reports are open to everyone in a published run; they then hold the rows down to the
  regency/city (`report_tiers`). A regency's report (with its village outreach list) stays within
  jurisdiction.
- `view_run`: that a run exists, with its id, cut-off, rubric, target set and published state.
  Published runs: everyone. Unpublished runs: any logged-in user, because province and regency
  offices see their own figures in them and choose their cut-off; the public not at all.
- `view_run_meta`: who created and published a run, and its note. Published runs: everyone.
  Unpublished runs: national users only.
- `upload`: a submission for `region` (None: for some region of theirs): any logged-in user
  within jurisdiction.
- `view_submission`: a stored submission whose scope is `region` (None: a national submission).
- `evaluate`, `publish`, `explain_flag` (mark a data-quality flag explained): national users only (accounts are managed with `capaian users`, on the
  server itself).

Every region-code prefix test of an access decision is `covers()` here.
"""

from __future__ import annotations

from typing import Any

from capaian.regions.codes import NATIONAL_CODE, shape_tier

ACTIONS = (
    "view", "view_below", "report", "view_run", "view_run_meta", "upload", "view_submission",
    "evaluate", "publish", "explain_flag", "simulate",
)
NATIONAL_ONLY = ("evaluate", "publish", "explain_flag", "simulate")
PUBLIC_TIERS = ("national", "province", "regency")  # of a published run
PUBLIC_REPORTS = ("national", "province")  # a regency's report holds its villages


tier_of = shape_tier  # the tier of a region code by its shape (None for what is no code)


def jurisdiction(user) -> str | None:
    """The region a user answers for: `ID` for national users, its region otherwise, None for the public."""
    if user is None:
        return None
    if user.role == "national":
        return NATIONAL_CODE
    return user.region_code or None


def operator_scope(user) -> str | None:
    """The scope intake checks a submission against: None (no limit) for national users, else the region."""
    scope = jurisdiction(user)
    return None if scope == NATIONAL_CODE else scope


def covers(scope: str | None, code: str | None) -> bool:
    """Whether the region `scope` is `code` or lies above it (`ID` covers everything)."""
    if not scope or not code:
        return False
    return scope == NATIONAL_CODE or code == scope or code.startswith(scope + ".")


def is_published(run: Any) -> bool:
    """The published state of `run` (see the module docstring); None counts as unpublished."""
    if run is None:
        return False
    if isinstance(run, bool):
        return run
    if isinstance(run, dict):
        if "published" in run:
            return bool(run["published"])
        value = run.get("published_at")
    else:
        found = getattr(run, "published", None)
        if found is not None:
            return bool(found)
        value = getattr(run, "published_at", None)
    return value is not None and value == value  # NaN/NaT is not a date


def allowed(user, action: str, region: str | None = None, run: Any = None) -> bool:
    """Whether `user` may do `action` on `region` in `run`: the only place access is decided."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    scope = jurisdiction(user)
    if action in NATIONAL_ONLY:
        return scope == NATIONAL_CODE
    if action == "view":
        return covers(scope, region) or (is_published(run) and tier_of(region) in PUBLIC_TIERS)
    if action == "view_below":
        return covers(scope, region) or (is_published(run) and tier_of(region) in PUBLIC_REPORTS)
    if action == "report":
        return covers(scope, region) or (is_published(run) and tier_of(region) in PUBLIC_REPORTS)
    if action == "view_run":
        return is_published(run) or user is not None
    if action == "view_run_meta":
        return is_published(run) or scope == NATIONAL_CODE
    if action == "upload":
        return scope is not None and (region is None or covers(scope, region))
    if action == "view_submission":
        return covers(scope, region or NATIONAL_CODE)
    raise AssertionError(action)  # pragma: no cover - every action is handled above


def report_tiers(user, region: str) -> tuple[str, ...] | None:
    """The tiers a report of `region` may hold for this user: None for all, or the public tiers
    (down to the regency/city: a report outside jurisdiction is of a published run)."""
    if covers(jurisdiction(user), region):
        return None
    return PUBLIC_TIERS
