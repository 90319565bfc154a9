"""The exports of one view for a board pack: map PNG, table CSV and PowerPoint deck.

One function builds what the app's export buttons and `python -m league_atlas export` both write,
so the slides someone builds every quarter from the command line are the slides the app gives:
the same headline, table, stamp, map and deck for the same trust type, quarter, focus and weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from league_atlas.errors import LeagueAtlasError
from league_atlas.io import provenance
from league_atlas.scoring import preparation
from league_atlas.scoring.weights import Weights
from league_atlas.views import explorer, exports
from league_atlas.views import presentation as ui


@dataclass
class BoardPack:
    """One view and its three exports (each built on first use)."""

    store: object  # league_atlas.store.reader.Store
    prep: preparation.Prepared
    view: pd.DataFrame  # every trust of the type (the map greys those outside the focus)
    focus: explorer.Focus
    weights: Weights
    financial_override: bool
    segment_method: str
    where: str
    table: pd.DataFrame  # display labels, display order
    areas: object = None  # the focus layer's boundaries (GeoDataFrame), or None

    @property
    def trust_type(self) -> str:
        return self.prep.trust_type

    @property
    def quarter(self) -> str:
        return self.prep.quarter

    @property
    def type_label(self) -> str:
        return ui.TRUST_TYPE_LABELS.get(self.trust_type, self.trust_type)

    @cached_property
    def shown(self) -> pd.DataFrame:
        return explorer.in_focus(self.view, self.focus)

    @cached_property
    def official(self) -> bool:
        return self.weights.is_official_for(self.prep) and not exports.method_changes(
            financial_override=self.financial_override, segment_method=self.segment_method
        )

    @cached_property
    def title(self) -> str:
        return exports.board_headline(
            self.view,
            self.shown,
            where=self.where,
            type_label=self.type_label,
            quarter=self.quarter,
        )

    @cached_property
    def stamp(self) -> exports.Stamp:
        official, note = exports.view_status(
            explorer.weights_note(self.weights, self.prep),
            weights_official=self.weights.is_official_for(self.prep),
            financial_override=self.financial_override,
            segment_method=self.segment_method,
        )
        return exports.make_stamp(
            manifest=self.store.manifest,
            release_rows=self.store.releases,
            metrics=self.store.metrics,
            trust_type=self.trust_type,
            quarter=self.quarter,
            where=self.where,
            release_ids=self.prep.release_ids,
            weights_note=note,
            official=official,
        )

    def file_stem(self) -> str:
        return exports.file_stem(self.trust_type, self.quarter, self.where, official=self.official)

    def csv(self) -> bytes:
        return exports.to_csv_bytes(self.table, self.stamp.lines())

    @cached_property
    def _png(self) -> bytes:
        from league_atlas.render import static_map

        others = self.view[~self.view["trust_code"].isin(self.shown["trust_code"])]
        return static_map.render_png(
            self.shown,
            self.areas,
            static_map.map_text(self.title, self.stamp),
            focus_code=self.focus.code or None,
            context_points=others if self.focus.code else None,
        )

    def png(self) -> bytes:
        return self._png

    def pptx(self) -> bytes:
        from league_atlas.render import deck_export

        cp = self.prep.cut_points
        return deck_export.build_pptx(
            title=self.title,
            map_png=self.png(),
            table=self.table,
            messages=exports.key_messages(
                self.shown,
                where=self.where,
                type_label=self.type_label,
                quarter=self.quarter,
                official=self.stamp.official,
            ),
            method=exports.method_lines(
                self.weights,
                cut_points=", ".join(f"{x:.3f}" for x in cp.cut) + f"; read from the {cp.source}",
                changes=exports.method_changes(
                    financial_override=self.financial_override,
                    segment_method=self.segment_method,
                ),
            ),
            attributions=provenance.used_attributions(self.store.manifest),
            stamp=self.stamp,
        )

    def export(self, kind: str) -> bytes:
        """The bytes of one export: "png", "csv" or "pptx"."""
        makers = {"png": self.png, "csv": self.csv, "pptx": self.pptx}
        if kind not in makers:
            raise LeagueAtlasError(f"unknown export {kind!r}; expected one of {', '.join(makers)}")
        return makers[kind]()


def focus_from_text(text: str | None, store) -> explorer.Focus:
    """`LEVEL:CODE` (e.g. `icb23:E54000036`, `region:E40000006`) as a Focus, checked against the
    store so a typo names what exists instead of exporting an empty map."""
    if not text or text.strip().lower() == "england":
        return explorer.Focus("england", "")
    level, sep, code = text.partition(":")
    level, code = level.strip(), code.strip()
    if not sep or level not in explorer.FOCUS_LEVELS or level == "england":
        levels = ", ".join(k for k in explorer.FOCUS_LEVELS if k != "england")
        raise LeagueAtlasError(f"--focus {text!r}: expected LEVEL:CODE with LEVEL one of {levels}")
    options = explorer.focus_options(store.trusts, level)
    if code not in options:
        by_name = {v.lower(): k for k, v in options.items()}
        if code.lower() in by_name:
            code = by_name[code.lower()]
        else:
            sample = ", ".join(f"{k} ({v})" for k, v in list(options.items())[:5])
            raise LeagueAtlasError(
                f"--focus {text!r}: no {explorer.FOCUS_LEVELS[level]} with code {code!r} holds a "
                f"trust; e.g. {sample}"
            )
    return explorer.Focus(level, code)


def board_pack(
    store,
    *,
    trust_type: str,
    quarter: str | None = None,
    focus: explorer.Focus | None = None,
    weights: Weights | None = None,
    financial_override: bool = True,
    segment_method: str = "release",
    prepared: preparation.Prepared | None = None,
    view: pd.DataFrame | None = None,
    table: pd.DataFrame | None = None,
    areas=None,
) -> BoardPack:
    """The board pack of a view. The app passes what it already holds (prepared release, league
    view, the table as shown, boundaries); the command line passes only the choices."""
    focus = focus or explorer.Focus("england", "")
    prep = prepared or preparation.prepare(store.metrics, trust_type, quarter)
    weights = (weights or Weights()).validate(prep)
    if view is None:
        view = explorer.league_view(
            prep,
            store.trusts,
            weights,
            financial_override=financial_override,
            segment_method=segment_method,
        )
    where = (
        explorer.focus_options(store.trusts, focus.level).get(focus.code, "England")
        if focus.code
        else "England"
    )
    if table is None:
        table = exports.board_table(explorer.in_focus(view, focus))
    if areas is None and focus.layer in store.boundary_ids():
        areas = store.boundary(focus.layer)
    return BoardPack(
        store=store,
        prep=prep,
        view=view,
        focus=focus,
        weights=weights,
        financial_override=financial_override,
        segment_method=segment_method,
        where=where,
        table=table,
        areas=areas,
    )
