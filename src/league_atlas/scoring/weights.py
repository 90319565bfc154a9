"""Weight scenarios: per-domain and per-item weights, their checks and their JSON file format.

A trust's recomputed score is sum(w_i * s_i) / sum(w_i) over the items it has, with
w_i = domain weight x item weight; a weight not named is 1, so the empty scenario is the
official (unweighted) method. The CLI `--weights FILE` and the app's saved scenarios share the
JSON format `{"domains": {"<domain name>": w}, "metrics": {"<item key>": w}}`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from league_atlas.errors import InputError, LeagueAtlasError
from league_atlas.io import atomic

if TYPE_CHECKING:  # pragma: no cover
    from league_atlas.scoring.preparation import Prepared

JSON_KEYS = ("domains", "metrics")


class WeightsError(LeagueAtlasError, ValueError):
    """A weight scenario that cannot be applied: names the weight and what was expected."""


def _check_value(kind: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise WeightsError(f"{kind} weight {name!r} is {value!r}; expected a number >= 0")
    v = float(value)
    if math.isnan(v) or math.isinf(v):
        raise WeightsError(f"{kind} weight {name!r} is {v}; expected a finite number >= 0")
    if v < 0:
        raise WeightsError(f"{kind} weight {name!r} is negative ({v}); expected a number >= 0")
    return v


@dataclass(frozen=True)
class Weights:
    """Domain and item weights (unnamed = 1). Immutable and hashable, so the app can cache on it."""

    domains: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind, attr in (("domain", "domains"), ("metric", "metrics")):
            raw = getattr(self, attr)
            if not isinstance(raw, dict):
                raise WeightsError(
                    f"{attr} must be a mapping of name -> weight, not {type(raw).__name__}"
                )
            clean = {str(k): _check_value(kind, str(k), v) for k, v in raw.items()}
            object.__setattr__(self, attr, clean)

    def __hash__(self) -> int:
        return hash((frozenset(self.domains.items()), frozenset(self.metrics.items())))

    # ------------------------------------------------------------------ construction

    @classmethod
    def official(cls, prepared: Prepared | None = None) -> Weights:
        """All weights 1: explicit for every domain and item of `prepared`, else the empty scenario."""
        if prepared is None:
            return cls()
        return cls(
            domains={d: 1.0 for d in prepared.domains},
            metrics={k: 1.0 for k in prepared.item_keys},
        )

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "weights") -> Weights:
        """From the parsed JSON object; `source` names the file in errors."""
        if not isinstance(data, dict):
            raise InputError(
                source,
                f"top level is {type(data).__name__}",
                expected='a JSON object {"domains": {...}, "metrics": {...}}',
            )
        extra = sorted(set(data) - set(JSON_KEYS))
        if extra:
            raise InputError(source, f"unknown key(s) {extra}", expected=f"only {list(JSON_KEYS)}")
        parts = {}
        for key in JSON_KEYS:
            part = data.get(key, {})
            if part is None:
                part = {}
            if not isinstance(part, dict):
                raise InputError(
                    source,
                    f"{key!r} is {type(part).__name__}",
                    column=key,
                    expected="an object of name -> weight",
                )
            parts[key] = part
        try:
            return cls(domains=parts["domains"], metrics=parts["metrics"])
        except WeightsError as exc:
            raise InputError(source, str(exc)) from None

    @classmethod
    def loads(cls, text: str, *, source: str = "weights") -> Weights:
        """From JSON text (e.g. an uploaded scenario)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                source, f"not valid JSON: {exc.msg}", line=exc.lineno, expected="a JSON object"
            ) from None
        return cls.from_dict(data, source=source)

    @classmethod
    def from_json(cls, path: str | Path) -> Weights:
        """Read a scenario file."""
        p = Path(path)
        try:
            text = p.read_text("utf-8-sig")
        except OSError as exc:
            raise InputError(
                str(p), f"cannot read the weights file: {exc.strerror or exc}"
            ) from None
        return cls.loads(text, source=str(p))

    def to_dict(self) -> dict[str, dict[str, float]]:
        return {"domains": dict(self.domains), "metrics": dict(self.metrics)}

    def to_json(self, path: str | Path | None = None) -> str:
        """The scenario as JSON text; written atomically to `path` when given."""
        text = json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"
        if path is not None:
            atomic.write_text(Path(path), text)
        return text

    # ------------------------------------------------------------------ meaning

    @property
    def is_official(self) -> bool:
        """True when every named weight is 1 (the official, unweighted method)."""
        return all(v == 1.0 for v in (*self.domains.values(), *self.metrics.values()))

    def validate(self, prepared: Prepared) -> Weights:
        """Check every name against the release and return the scenario with canonical domain names.

        Unknown names list the valid ones; OF1079/OF1081 say finance counts through OF1080; the
        members of a merged item (OF1020/OF1048/OF1088) name the merged item.
        """
        rules = prepared.rules
        domains: dict[str, float] = {}
        for name, w in self.domains.items():
            canon = name if name in prepared.domains else rules.canonical_domain(name)
            valid = (*prepared.domains, *(d for d in rules.domains if d not in prepared.domains))
            if canon is None or canon not in valid:
                raise WeightsError(
                    f"unknown domain {name!r} for {prepared.label}; valid domains: "
                    + ", ".join(valid)
                )
            if canon in domains and domains[canon] != w:
                raise WeightsError(f"domain {canon!r} is given twice with different weights")
            domains[canon] = w
        metrics: dict[str, float] = {}
        by_upper = {k.upper(): k for k in prepared.item_keys}
        for name, w in self.metrics.items():
            up = name.strip().upper()
            key = by_upper.get(up)
            if key is None:
                if up in rules.counted_through:
                    through = rules.counted_through[up]
                    raise WeightsError(
                        f"{up} is not an item: finance counts once, through {through} "
                        f"(combined finance); weight {through!r} instead"
                    )
                merged = rules.item_of(up)
                if merged != up and merged in prepared.item_keys:
                    raise WeightsError(
                        f"{up} is averaged into the item {merged!r}; weight {merged!r} instead"
                    )
                raise WeightsError(
                    f"unknown item {name!r} for {prepared.label}; valid items: "
                    + ", ".join(prepared.item_keys)
                )
            if key in metrics and metrics[key] != w:
                raise WeightsError(f"item {key!r} is given twice with different weights")
            metrics[key] = w
        out = Weights(domains=domains, metrics=metrics)
        vec = out._vector_unchecked(prepared)
        if not np.any(vec > 0):
            raise WeightsError(
                "every item weight is zero; at least one item needs a weight above 0"
            )
        return out

    def _vector_unchecked(self, prepared: Prepared) -> np.ndarray:
        dom = np.array([self.domains.get(d, 1.0) for d in prepared.item_domains], dtype=float)
        item = np.array([self.metrics.get(k, 1.0) for k in prepared.item_keys], dtype=float)
        return dom * item

    def item_vector(self, prepared: Prepared) -> np.ndarray:
        """Effective weight of each item of `prepared` (domain x item), in `prepared.item_keys` order."""
        return self.validate(prepared)._vector_unchecked(prepared)

    def is_official_for(self, prepared: Prepared) -> bool:
        """True when every item of `prepared` gets the same effective weight (a scaled official)."""
        return vector_is_official(self.item_vector(prepared))


def vector_is_official(vec: np.ndarray) -> bool:
    """Equal positive weights on every item: the official unweighted average."""
    return (
        bool(vec.size) and bool(vec[0] > 0) and bool(np.allclose(vec, vec[0], rtol=1e-12, atol=0.0))
    )


def check_vector(vec: np.ndarray, item_keys: tuple[str, ...]) -> np.ndarray:
    """Validate a raw effective-weight vector (used by fast paths that skip the Weights object)."""
    v = np.asarray(vec, dtype=float)
    if v.shape != (len(item_keys),):
        raise WeightsError(
            f"expected {len(item_keys)} item weights ({', '.join(item_keys)}), got shape {v.shape}"
        )
    if not np.all(np.isfinite(v)):
        bad = item_keys[int(np.flatnonzero(~np.isfinite(v))[0])]
        raise WeightsError(f"item weight {bad!r} is not finite; expected a finite number >= 0")
    if np.any(v < 0):
        bad = item_keys[int(np.flatnonzero(v < 0)[0])]
        raise WeightsError(f"item weight {bad!r} is negative; expected a number >= 0")
    if not np.any(v > 0):
        raise WeightsError("every item weight is zero; at least one item needs a weight above 0")
    return v
