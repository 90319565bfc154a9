"""Distances: from each trust to central London, and to the nearest local authority with a university.

All distances are straight lines in the British National Grid (EPSG:27700), in km.
  distance_central_london_km  from the trust's location (lat/lon; its LAD centroid when it has no
                              point) to Charing Cross, the customary centre of London.
  distance_university_km      by local authority: 0 when the trust's own LAD contains a university
                              campus, else from its LAD centroid to the nearest LAD centroid that
                              does. Centroids are those of the LAD May 2024 boundaries (lad_2024).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy.spatial import cKDTree

from league_atlas.context.tables import find_column
from league_atlas.errors import InputError

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"
# Charing Cross, London (WGS84): the conventional point from which distances to London are measured.
CENTRAL_LONDON = (51.50741, -0.12767)
_TO_BNG = Transformer.from_crs(WGS84, BNG, always_xy=True)


def to_bng(
    lat: pd.Series | np.ndarray, lon: pd.Series | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 latitude/longitude to BNG easting/northing (m); NaN stays NaN."""
    x, y = _TO_BNG.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def lad_centroids(path: Path) -> pd.DataFrame:
    """Per LAD code: centroid easting and northing (m, BNG) of its boundary polygon."""
    import geopandas as gpd

    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "file not found", expected="LAD boundaries (source lad_2024)")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:
        raise InputError(str(path), f"cannot read boundaries: {exc}", expected="GeoJSON") from None
    code = find_column(gdf.columns, str(path), "the LAD code", pattern=r"^lad\d{2}cd$")
    if gdf.crs is None:
        raise InputError(str(path), "boundaries have no CRS", expected="a GeoJSON with a CRS")
    cent = gdf.to_crs(BNG).geometry.centroid
    return pd.DataFrame(
        {"x": cent.x.to_numpy(), "y": cent.y.to_numpy()}, index=gdf[code].astype(str).to_numpy()
    )


def distance_to_point_km(x: np.ndarray, y: np.ndarray, lat: float, lon: float) -> np.ndarray:
    """Straight-line km from BNG points to one WGS84 point."""
    px, py = to_bng(np.array([lat]), np.array([lon]))
    return np.hypot(np.asarray(x, dtype=float) - px[0], np.asarray(y, dtype=float) - py[0]) / 1000.0


def trust_points(trusts: pd.DataFrame, centroids: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """BNG points of trusts: their lat/lon, else their LAD centroid, else NaN."""
    x, y = to_bng(
        pd.to_numeric(trusts["lat"], errors="coerce"), pd.to_numeric(trusts["lon"], errors="coerce")
    )
    lad = centroids.reindex(trusts["lad_code"].astype("string").fillna(""))
    x = np.where(np.isfinite(x), x, lad["x"].to_numpy())
    y = np.where(np.isfinite(y), y, lad["y"].to_numpy())
    return x, y


def central_london_km(trusts: pd.DataFrame, centroids: pd.DataFrame) -> pd.Series:
    x, y = trust_points(trusts, centroids)
    return pd.Series(distance_to_point_km(x, y, *CENTRAL_LONDON), index=trusts.index)


def nearest_university_km(
    lad_codes: Iterable[object], centroids: pd.DataFrame, university_lads: set[str]
) -> np.ndarray:
    """Per LAD: 0 if it contains a university, else km from its centroid to the nearest that does."""
    uni = centroids.loc[centroids.index.isin(sorted(university_lads))]
    if uni.empty:
        raise InputError(
            "he_campuses",
            "no university LAD has a centroid",
            expected="LAD codes present in lad_2024",
        )
    tree = cKDTree(uni[["x", "y"]].to_numpy())
    out = []
    for code in lad_codes:
        if code is None or pd.isna(code) or code not in centroids.index:
            out.append(np.nan)
        elif code in university_lads:
            out.append(0.0)
        else:
            dist, _ = tree.query(centroids.loc[code, ["x", "y"]].to_numpy(dtype=float))
            out.append(float(dist) / 1000.0)
    return np.asarray(out, dtype=float)
