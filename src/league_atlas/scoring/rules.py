"""The segmentation rules of each NOF framework year, in one place (nof-method.md §2-§4).

Scoring code asks `rules_for(framework_year)` for a `RuleSet` and never names a metric id itself,
so a new framework year (2026/27: fixed thresholds, ICBs segmented) is one more entry here, not a
change to the callers.

How to add a framework year (e.g. 2026/27), from its methodology manual:
1. Write `RULES_2026_27 = RuleSet(framework_year="2026/27", domains=..., domain_synonyms=...)`
   with that year's merged items, counted-through ids, summary ids, override floor and, when the
   manual gives "defined thresholds", `cut_points=(c1, c2, c3)` (None reads them from the release).
2. Add it to the tuple in `RULE_SETS`.
3. Check it on the year's first real release: `python -m league_atlas build` reports the
   recompute-and-compare figures (every published segment, final segment and rank reproduced).
Until then, `rules_or_provisional()` lets every view open a release of an unknown year: the
published values are shown as they are, with a notice that the re-weighting rules for that year
are not known yet (re-weighting then borrows the newest known year's rules, and says so).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from league_atlas.errors import LeagueAtlasError


class RulesError(LeagueAtlasError):
    """No rule set for a framework year, or a rule set that contradicts itself."""


def _norm_label(label: str) -> str:
    """Domain label normal form: case, '&', punctuation and repeated spaces do not matter."""
    s = str(label).replace("\xa0", " ").replace("&", " and ").lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


@dataclass(frozen=True)
class RuleSet:
    """How one framework year turns OF1xxx metric scores into segments and league positions.

    - items: every metric id matching `item_pattern` counts once, except that the ids in each
      `merged_items` group are first averaged into one item (named by the group key), and ids in
      `counted_through` are not items because another id already carries them (finance: OF1079
      and OF1081 count through OF1080 "Combined finance").
    - average: unweighted mean of a trust's items (OF5002); domain score: the same within a domain.
    - segments: `cut_points=None` means the cut-points are read back from each release (2025/26:
      "averaged and quartiled" over a pool we cannot see); a tuple gives fixed thresholds
      (2026/27 "defined thresholds"). A score above a cut-point is in the worse segment.
    - financial override: a flagged trust cannot be better than `override_floor`.
    - league position: by adjusted segment, then the average rounded to `score_decimals`,
      lower is better, ties share the lowest rank.
    """

    framework_year: str
    domains: tuple[str, ...]
    domain_synonyms: Mapping[str, str]
    item_pattern: str = r"^OF1\d{3}$"
    merged_items: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    counted_through: Mapping[str, str] = field(default_factory=dict)
    domain_score_pattern: str = r"^OF40\d{2}$"
    average_id: str = "OF5002"
    segment_id: str = "OF5000"  # adjusted segment; its Rank is the league position
    unadjusted_segment_id: str = "OF5003"
    override_flag_id: str = "OF5004"
    final_segment_id: str = "OF5005"
    support_flag_id: str = "OF5007"  # Recovery Support Programme
    n_segments: int = 4
    override_floor: int = 3
    support_segment: int = 5
    score_decimals: int = 2
    cut_points: tuple[float, ...] | None = None
    segmented_types: tuple[str, ...] = ("acute", "non-acute", "ambulance")
    provisional_from: str = ""  # set when these are another year's rules standing in (unknown year)

    def __post_init__(self) -> None:
        object.__setattr__(self, "merged_items", MappingProxyType(dict(self.merged_items)))
        object.__setattr__(self, "counted_through", MappingProxyType(dict(self.counted_through)))
        syn = {_norm_label(k): v for k, v in self.domain_synonyms.items()}
        syn.update({_norm_label(d): d for d in self.domains})
        bad = sorted({v for v in syn.values() if v not in self.domains})
        if bad:
            raise RulesError(f"{self.framework_year}: synonyms map to unknown domains {bad}")
        object.__setattr__(self, "domain_synonyms", MappingProxyType(syn))
        members = [m for group in self.merged_items.values() for m in group]
        if len(members) != len(set(members)):
            raise RulesError(f"{self.framework_year}: a metric is in two merged items")
        if self.cut_points is not None and len(self.cut_points) != self.n_segments - 1:
            raise RulesError(
                f"{self.framework_year}: {len(self.cut_points)} cut-points for {self.n_segments} segments"
            )

    def is_item_metric(self, metric_id: str) -> bool:
        """True for a metric-score id (OF1xxx) that feeds the average, alone or merged."""
        return (
            bool(re.match(self.item_pattern, metric_id)) and metric_id not in self.counted_through
        )

    def item_of(self, metric_id: str) -> str:
        """The item key a metric score counts in: its merged group's name, else its own id."""
        for key, group in self.merged_items.items():
            if metric_id in group:
                return key
        return metric_id

    def canonical_domain(self, label: str) -> str | None:
        """The framework's domain name for a published label, or None when it is not a domain."""
        return self.domain_synonyms.get(_norm_label(label))

    @property
    def provisional(self) -> bool:
        """True when the framework year has no rules of its own (see `rules_or_provisional`)."""
        return bool(self.provisional_from)

    def provisional_notice(self) -> str:
        """The visible notice for a release of a year without rules ('' for a known year)."""
        if not self.provisional:
            return ""
        return (
            f"Re-weighting rules for framework year {self.framework_year} are not known yet: the "
            f"published segments, scores and league positions are shown as released; re-weighted "
            f"views borrow the {self.provisional_from} rules and may not match how NHS England "
            f"scores {self.framework_year}."
        )

    @property
    def summary_ids(self) -> tuple[str, ...]:
        return (
            self.segment_id,
            self.average_id,
            self.unadjusted_segment_id,
            self.override_flag_id,
            self.final_segment_id,
            self.support_flag_id,
        )


_DOMAINS_2025 = (
    "Access to services",
    "Patient safety",
    "Effectiveness and experience",
    "People and workforce",
    "Finance and productivity",
)

# Labels seen or plausible in releases -> framework domain. Matching ignores case, '&' vs 'and'
# and punctuation; the canonical names match themselves.
_SYNONYMS_2025 = {
    "Access": "Access to services",
    "Access to service": "Access to services",
    "Safety": "Patient safety",
    "Safe": "Patient safety",
    "Quality and safety": "Patient safety",
    "Effectiveness": "Effectiveness and experience",
    "Experience": "Effectiveness and experience",
    "Effectiveness and patient experience": "Effectiveness and experience",
    "Effective and experience": "Effectiveness and experience",
    "People": "People and workforce",
    "Workforce": "People and workforce",
    "Workforce and people": "People and workforce",
    "Finance": "Finance and productivity",
    "Productivity": "Finance and productivity",
    "Finance and efficiency": "Finance and productivity",
    "Productivity and finance": "Finance and productivity",
}

RULES_2025_26 = RuleSet(
    framework_year="2025/26",
    domains=_DOMAINS_2025,
    domain_synonyms=_SYNONYMS_2025,
    merged_items={"infections": ("OF1020", "OF1048", "OF1088")},
    counted_through={"OF1079": "OF1080", "OF1081": "OF1080"},
)

RULE_SETS: Mapping[str, RuleSet] = MappingProxyType({r.framework_year: r for r in (RULES_2025_26,)})


def rules_for(framework_year: str) -> RuleSet:
    """The rule set of a framework year ('2025/26'), or a clear error listing the known years."""
    try:
        return RULE_SETS[framework_year]
    except KeyError:
        raise RulesError(
            f"no segmentation rules for framework year {framework_year!r}; "
            f"known: {', '.join(RULE_SETS)} (add a RuleSet in league_atlas/scoring/rules.py)"
        ) from None


def rules_or_provisional(framework_year: str) -> RuleSet:
    """The year's rules, or for a year without rules the newest known year's rules marked
    provisional, so a release of a new year can always be shown (with `provisional_notice()`)."""
    if framework_year in RULE_SETS:
        return RULE_SETS[framework_year]
    newest = max(RULE_SETS, key=lambda y: y.split("/")[0])
    return dataclasses.replace(
        RULE_SETS[newest], framework_year=framework_year, provisional_from=newest
    )
