"""Reading the prepared store: one version resolved once, tables loaded lazily.

A `Store` holds the resolved version folder, so a concurrent swap of the `store` link by a writer
cannot mix two versions within one run (the writer is `league_atlas.store.writer`).
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import pandas as pd

from league_atlas.config import store_dir
from league_atlas.errors import StoreMissingError
from league_atlas.io import releases
from league_atlas.schema import STORE_FILES

BUILD_COMMAND = "python -m league_atlas build   (or: make run)"


class Store:
    """Read access to one store version (resolved once, so a concurrent swap cannot mix versions)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def manifest(self) -> dict:
        return json.loads((self.path / STORE_FILES["manifest"]).read_text("utf-8"))

    def _table(self, key: str) -> pd.DataFrame:
        return pd.read_parquet(self.path / STORE_FILES[key], engine="pyarrow")

    @cached_property
    def metrics(self) -> pd.DataFrame:
        return self._table("metrics")

    @cached_property
    def league_files(self) -> pd.DataFrame:
        return self._table("league_files")

    @cached_property
    def releases(self) -> pd.DataFrame:
        return self._table("releases")

    @cached_property
    def trusts(self) -> pd.DataFrame:
        return self._table("trusts")

    @cached_property
    def places_report(self) -> pd.DataFrame:
        return self._table("places_report")

    @cached_property
    def sites(self) -> pd.DataFrame:
        """Each trust's places (HQ address, hospital sites); empty for a store built before them."""
        if not (self.path / STORE_FILES["sites"]).is_file():
            from league_atlas.places.sites import SITE_COLUMNS

            return pd.DataFrame(columns=SITE_COLUMNS, dtype=str)
        return self._table("sites")

    @cached_property
    def recompute(self) -> pd.DataFrame:
        """Where recomputing the official table disagrees with the release (empty when none;
        also for a store built before this check existed)."""
        from league_atlas.scoring.recompute import DISAGREEMENT_COLUMNS

        if not (self.path / STORE_FILES["recompute"]).is_file():
            return pd.DataFrame(columns=DISAGREEMENT_COLUMNS)
        return self._table("recompute")

    def boundary(self, layer_id: str):
        """A simplified boundary layer as a GeoDataFrame (EPSG:4326: code, name, geometry)."""
        from league_atlas.places import boundaries

        return boundaries.read_layer(self.path / STORE_FILES["boundaries"], layer_id)

    def boundary_ids(self) -> list[str]:
        folder = self.path / STORE_FILES["boundaries"]
        return sorted(p.stem for p in folder.glob("*.parquet"))

    def layers(self) -> dict:
        """The boundary layers this store holds (official and added), as LayerSpecs by id, in
        registry order: the one list every boundary, focus and grouping menu offers."""
        from league_atlas.places import registry

        return registry.layers_in_store(self.manifest, self.boundary_ids())

    def context_table(self) -> pd.DataFrame | None:
        """Stored context proxies per trust, or None when the context stage did not run."""
        folder = self.path / STORE_FILES["context"]
        if not folder.is_dir():
            return None
        from league_atlas.context import proxies

        return proxies.read_context(folder)

    @cached_property
    def _quarters_by_type(self) -> dict[str, list[str]]:
        """Quarters per trust type ("" = any), worked out once per version: every rerun's
        sidebar asks, and filtering the metrics table each time cost ~5 ms a rerun."""
        m = self.metrics
        out = {"": sorted(m["quarter"].unique().tolist(), key=releases.quarter_index)}
        for t, group in m.groupby("trust_type", observed=True):
            out[str(t)] = sorted(group["quarter"].unique().tolist(), key=releases.quarter_index)
        return out

    def quarters(self, trust_type: str | None = None) -> list[str]:
        """Quarters with data (for a trust type), oldest first."""
        return list(self._quarters_by_type.get(trust_type or "", []))

    def trust_types(self) -> list[str]:
        return sorted(self.metrics["trust_type"].unique().tolist())


def open_store(data_dir: Path) -> Store:
    """The current store, or StoreMissingError saying which command builds it."""
    link = store_dir(data_dir)
    if not (link / STORE_FILES["manifest"]).is_file():
        raise StoreMissingError(f"no prepared store under {data_dir}; run {BUILD_COMMAND}")
    return Store(link.resolve())


def store_dir_path(data_dir: Path) -> Path:
    """The folder the store link currently resolves to (for checks that hash a whole version)."""
    return store_dir(data_dir).resolve()
