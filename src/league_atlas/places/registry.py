"""The project's own geography knowledge in `geo/`: boundary layer definitions and region crosswalk.

The published sources disagree on how to name an NHS region (ONS renumbered two regions in 2024,
ODS uses Y-codes, NOF releases print short labels), and no source says which boundary file to draw
for which year. That knowledge is small, hand-maintained and committed in `geo/`; this module reads
it and refuses malformed rows with an error that names the file and the row.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from league_atlas.config import GEO_DIR
from league_atlas.errors import InputError, LeagueAtlasError
from league_atlas.io import sources

LAYERS_FILE = "layers.toml"
REGIONS_FILE = "nhs_regions.csv"

REGION_COLUMNS = ["region_code", "region_name", "former_codes", "ods_code", "labels", "origin"]
_GSS_REGION = re.compile(r"E40\d{6}")
_ODS_REGION = re.compile(r"Y\d{2}")
# A trust field names trust-table columns <field>_code / <field>_name, so it must be a plain
# identifier and must not collide with the trust table's own columns (trust_code, ods_region_code...).
_TRUST_FIELD = re.compile(r"[a-z][a-z0-9_]{0,31}")
RESERVED_FIELDS = frozenset({"trust", "ods_region", "ods_icb23", "ods_icb26", "england", "area"})
ORIGINS = ("official", "added", "session")


@dataclass(frozen=True)
class LayerSpec:
    """One boundary layer as defined in geo/layers.toml (see the comments there for each key)."""

    id: str
    source: str
    code_column: str
    name_column: str
    display_name: str
    vintage: str
    valid_from: dt.date
    valid_to: dt.date | None
    code_pattern: str
    expected_count: int
    trust_field: str
    tolerance_m: float
    precision_deg: float
    code_prefix: str = ""
    area_label: str = ""  # what one area is called ("NHS region"); display_name names the layer
    layer: str = ""  # GeoPackage layer (or shapefile in a zip) to read; "" = the only one
    crs: str = ""  # CRS of a file that declares none, e.g. EPSG:27700
    nearest_max_m: float = 5_000.0  # a point outside every area takes the nearest within this
    origin: str = "official"  # official (geo/layers.toml) | added (add-boundaries) | session
    file: str = ""  # added layers: the stored file, relative to DATA_DIR/raw/boundaries/

    @property
    def area_name(self) -> str:
        """What one area of this layer is called, for focus menus and grouping labels."""
        return self.area_label or self.display_name

    def valid_on(self, day: dt.date) -> bool:
        """Whether these boundaries apply on `day`."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


_LAYER_KEYS: dict[str, type | tuple[type, ...]] = {
    "source": str,
    "code_column": str,
    "name_column": str,
    "display_name": str,
    "vintage": str,
    "valid_from": (str, dt.date),
    "valid_to": (str, dt.date),
    "code_pattern": str,
    "expected_count": int,
    "trust_field": str,
    "tolerance_m": (int, float),
    "precision_deg": (int, float),
}
_OPTIONAL_LAYER_KEYS: dict[str, type | tuple[type, ...]] = {
    "code_prefix": str,
    "area_label": str,
    "layer": str,
    "crs": str,
    "nearest_max_m": (int, float),
}


def check_trust_field(field: str, where: str, taken: dict[str, str] | None = None) -> None:
    """A layer's trust field (or an added layer's id) must make safe, unused column names."""
    if not _TRUST_FIELD.fullmatch(field) or field in RESERVED_FIELDS:
        raise InputError(
            where,
            f"{field!r} cannot name a layer's trust columns",
            expected="lower-case letters, digits and _ (starting with a letter, at most 32), not "
            + ", ".join(sorted(RESERVED_FIELDS)),
        )
    if taken and field in taken:
        raise InputError(where, f"{field!r} is already used by layer {taken[field]}")


def _date(value: str | dt.date, where: str, key: str, *, allow_empty: bool) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if value == "" and allow_empty:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(where, f"{key} = {value!r} is not a date", expected="YYYY-MM-DD") from None


def parse_layers_spec(path: Path) -> dict[str, LayerSpec]:
    """Read and check a layers.toml file (public so tests can feed their own)."""
    where = str(path)
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(where, "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(where, f"not valid TOML: {exc}") from None
    layers = raw.get("layer")
    if not isinstance(layers, dict) or not layers:
        raise InputError(where, "no [layer.<id>] tables", expected="one table per boundary layer")
    known_sources = sources.catalogue()
    out: dict[str, LayerSpec] = {}
    seen_fields: dict[str, str] = {}
    for layer_id, entry in layers.items():
        at = f"{where} [layer.{layer_id}]"
        missing = [k for k in _LAYER_KEYS if k not in entry]
        if missing:
            raise InputError(at, f"missing key(s) {', '.join(missing)}")
        unknown = sorted(set(entry) - set(_LAYER_KEYS) - set(_OPTIONAL_LAYER_KEYS))
        if unknown:
            raise InputError(at, f"unknown key(s) {', '.join(unknown)}")
        for key, typ in {**_LAYER_KEYS, **_OPTIONAL_LAYER_KEYS}.items():
            if key in entry and (not isinstance(entry[key], typ) or isinstance(entry[key], bool)):
                raise InputError(
                    at, f"{key} = {entry[key]!r} has the wrong type", expected=str(typ)
                )
        if entry["source"] not in known_sources:
            raise InputError(
                at,
                f"source {entry['source']!r} is not in the catalogue",
                expected=f"one of {', '.join(known_sources)}",
            )
        try:
            re.compile(entry["code_pattern"])
        except re.error as exc:
            raise InputError(at, f"code_pattern is not a regular expression: {exc}") from None
        if entry["expected_count"] <= 0:
            raise InputError(at, "expected_count must be positive")
        check_trust_field(entry["trust_field"], f"{at} trust_field", seen_fields)
        seen_fields[entry["trust_field"]] = layer_id
        if entry["tolerance_m"] < 0 or entry["precision_deg"] < 0:
            raise InputError(at, "tolerance_m and precision_deg must not be negative")
        valid_from = _date(entry["valid_from"], at, "valid_from", allow_empty=False)
        valid_to = _date(entry["valid_to"], at, "valid_to", allow_empty=True)
        if valid_to is not None and valid_from is not None and valid_to < valid_from:
            raise InputError(at, "valid_to is before valid_from")
        out[layer_id] = LayerSpec(
            id=layer_id,
            source=entry["source"],
            code_column=entry["code_column"],
            name_column=entry["name_column"],
            display_name=entry["display_name"],
            vintage=entry["vintage"],
            valid_from=valid_from,  # type: ignore[arg-type]
            valid_to=valid_to,
            code_pattern=entry["code_pattern"],
            expected_count=entry["expected_count"],
            trust_field=entry["trust_field"],
            tolerance_m=float(entry["tolerance_m"]),
            precision_deg=float(entry["precision_deg"]),
            code_prefix=entry.get("code_prefix", ""),
            area_label=entry.get("area_label", ""),
            layer=entry.get("layer", ""),
            crs=entry.get("crs", ""),
            nearest_max_m=float(entry.get("nearest_max_m", 5_000.0)),
        )
    return out


@cache
def _layers_spec(geo_dir: Path) -> dict[str, LayerSpec]:
    return parse_layers_spec(geo_dir / LAYERS_FILE)


def load_layers_spec(geo_dir: Path = GEO_DIR) -> dict[str, LayerSpec]:
    """The boundary layers defined in geo/layers.toml, by layer id."""
    return dict(_layers_spec(Path(geo_dir)))


def layer_for_field(trust_field: str, specs: dict[str, LayerSpec] | None = None) -> LayerSpec:
    """The layer that fills the trust-table columns `<trust_field>_code` / `_name`."""
    specs = specs if specs is not None else load_layers_spec()
    for spec in specs.values():
        if spec.trust_field == trust_field:
            return spec
    raise LeagueAtlasError(f"geo/{LAYERS_FILE}: no layer has trust_field = {trust_field!r}")


def spec_record(spec: LayerSpec) -> dict:
    """A layer spec as JSON-ready data (the store manifest records every layer it holds)."""
    rec = {k: getattr(spec, k) for k in LayerSpec.__dataclass_fields__}
    rec["valid_from"] = spec.valid_from.isoformat()
    rec["valid_to"] = spec.valid_to.isoformat() if spec.valid_to else ""
    return rec


def spec_from_record(rec: dict) -> LayerSpec:
    """Inverse of spec_record (unknown keys from a newer writer are ignored)."""
    known = {k: v for k, v in rec.items() if k in LayerSpec.__dataclass_fields__}
    known["valid_from"] = dt.date.fromisoformat(known["valid_from"])
    known["valid_to"] = dt.date.fromisoformat(known["valid_to"]) if known.get("valid_to") else None
    return LayerSpec(**known)


def layers_in_store(manifest: dict, present: list[str] | None = None) -> dict[str, LayerSpec]:
    """The layers a store holds, as its manifest records them (official and added), by id.

    A store written before layers were recorded falls back to geo/layers.toml; `present` (the
    layer files actually in the store) filters either way.
    """
    records = manifest.get("layers")
    specs = {r["id"]: spec_from_record(r) for r in records} if records else load_layers_spec()
    if present is not None:
        specs = {k: v for k, v in specs.items() if k in set(present)}
    return specs


def by_field(specs: dict[str, LayerSpec]) -> dict[str, LayerSpec]:
    """The same layers keyed by trust field (the key of focus levels and geographies)."""
    return {spec.trust_field: spec for spec in specs.values()}


def resolve_geography(name: str, specs: dict[str, LayerSpec]) -> LayerSpec:
    """A layer named by its trust field ("region") or its id ("nhs_region"), or a clear error."""
    fields = by_field(specs)
    if name in fields:
        return fields[name]
    if name in specs:
        return specs[name]
    raise LeagueAtlasError(
        f"unknown geography {name!r}; valid: "
        + ", ".join(f"{s.trust_field} ({s.area_name})" for s in specs.values())
    )


def normalise_label(label: str) -> str:
    """Compare labels case-, space- and '&'-insensitively ("North East & Yorkshire")."""
    text = str(label).replace("&", " and ").casefold()
    return " ".join(text.split())


def parse_region_crosswalk(path: Path) -> pd.DataFrame:
    """Read and check a region crosswalk CSV (public so tests can feed their own)."""
    where = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except FileNotFoundError:
        raise InputError(where, "file not found") from None
    if not rows:
        raise InputError(where, "empty file", expected=",".join(REGION_COLUMNS))
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REGION_COLUMNS if c not in header]
    if missing:
        raise InputError(where, f"missing column(s) {', '.join(missing)}", line=1)
    records = []
    label_owner: dict[str, str] = {}
    code_owner: dict[str, int] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(
                where, f"{len(row)} fields", line=line_no, expected=f"{len(header)} fields"
            )
        rec = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
        code = rec["region_code"]
        if not _GSS_REGION.fullmatch(code):
            raise InputError(
                where,
                f"{code!r} is not a region GSS code",
                line=line_no,
                column="region_code",
                expected="E40 and six digits",
            )
        former = [c.strip() for c in rec["former_codes"].split(";") if c.strip()]
        for f in former:
            if not _GSS_REGION.fullmatch(f):
                raise InputError(
                    where,
                    f"{f!r} is not a region GSS code",
                    line=line_no,
                    column="former_codes",
                    expected="E40 and six digits, ';'-separated",
                )
        for c in [code, *former]:
            if c in code_owner:
                raise InputError(
                    where, f"code {c} already used on line {code_owner[c]}", line=line_no
                )
            code_owner[c] = line_no
        if not _ODS_REGION.fullmatch(rec["ods_code"]):
            raise InputError(
                where,
                f"{rec['ods_code']!r} is not an ODS region code",
                line=line_no,
                column="ods_code",
                expected="Y and two digits",
            )
        if not rec["region_name"]:
            raise InputError(where, "empty region_name", line=line_no, column="region_name")
        if not rec["origin"]:
            raise InputError(
                where, "empty origin: say where the facts come from", line=line_no, column="origin"
            )
        labels = [lab.strip() for lab in rec["labels"].split(";") if lab.strip()]
        for lab in [rec["region_name"], *labels]:
            key = normalise_label(lab)
            if label_owner.get(key, code) != code:
                raise InputError(
                    where,
                    f"label {lab!r} also names {label_owner[key]}",
                    line=line_no,
                    column="labels",
                )
            label_owner[key] = code
        records.append(
            {
                "region_code": code,
                "region_name": rec["region_name"],
                "former_codes": ";".join(former),
                "ods_code": rec["ods_code"],
                "labels": ";".join(labels),
                "origin": rec["origin"],
            }
        )
    if not records:
        raise InputError(where, "no regions")
    df = pd.DataFrame.from_records(records, columns=REGION_COLUMNS)
    dup = df["ods_code"][df["ods_code"].duplicated()]
    if not dup.empty:
        raise InputError(where, f"ODS code {dup.iloc[0]} appears twice", column="ods_code")
    return df


@cache
def _crosswalk(geo_dir: Path) -> pd.DataFrame:
    return parse_region_crosswalk(Path(geo_dir) / REGIONS_FILE)


def region_crosswalk(geo_dir: Path = GEO_DIR) -> pd.DataFrame:
    """NHS regions: 2024 GSS code, name, former GSS codes, ODS Y-code, label synonyms, origin."""
    return _crosswalk(Path(geo_dir)).copy()


def _label_index(crosswalk: pd.DataFrame) -> dict[str, str]:
    index: dict[str, str] = {}
    for rec in crosswalk.itertuples(index=False):
        for lab in [rec.region_name, *filter(None, rec.labels.split(";"))]:
            index[normalise_label(lab)] = rec.region_code
    return index


def region_code_for_label(label: str, crosswalk: pd.DataFrame | None = None) -> str:
    """The 2024 region GSS code for a published region label, e.g. "East" -> E40000013."""
    cw = crosswalk if crosswalk is not None else region_crosswalk()
    index = _label_index(cw)
    key = normalise_label(label)
    if key not in index:
        known = sorted(
            {
                lab
                for rec in cw.itertuples(index=False)
                for lab in [rec.region_name, *filter(None, rec.labels.split(";"))]
            }
        )
        raise LeagueAtlasError(
            f"unknown NHS region label {label!r} (geo/{REGIONS_FILE}); known labels: "
            + ", ".join(known)
        )
    return index[key]


def region_code_for_ods(ods_code: str, crosswalk: pd.DataFrame | None = None) -> str:
    """The 2024 region GSS code for an ODS region code (Y56..Y63)."""
    cw = crosswalk if crosswalk is not None else region_crosswalk()
    match = cw.loc[cw["ods_code"] == str(ods_code).strip().upper(), "region_code"]
    if match.empty:
        raise LeagueAtlasError(
            f"unknown ODS region code {ods_code!r} (geo/{REGIONS_FILE}); known: "
            + ", ".join(cw["ods_code"])
        )
    return str(match.iloc[0])


def current_region_code(gss_code: str, crosswalk: pd.DataFrame | None = None) -> str:
    """The 2024 region GSS code for any vintage's code, e.g. E40000007 -> E40000013."""
    cw = crosswalk if crosswalk is not None else region_crosswalk()
    code = str(gss_code).strip().upper()
    for rec in cw.itertuples(index=False):
        if code == rec.region_code or code in rec.former_codes.split(";"):
            return rec.region_code
    raise LeagueAtlasError(
        f"unknown NHS region code {gss_code!r} (geo/{REGIONS_FILE}); known: "
        + ", ".join(cw["region_code"])
    )


def check_region_crosswalk(
    crosswalk: pd.DataFrame,
    lookup: pd.DataFrame | None = None,
    boundaries: pd.DataFrame | None = None,
) -> list[str]:
    """Disagreements between the crosswalk and published files, as readable lines (empty = fine).

    `lookup` is an ONS SICBL-ICB-NHSER lookup (columns NHSERyyCD, NHSERyyCDH, NHSERyyNM);
    `boundaries` a region layer with `code` and `name` columns (as from boundaries.load_layers).
    """
    problems: list[str] = []
    if lookup is not None:
        cd = next((c for c in lookup.columns if re.fullmatch(r"NHSER\d\dCD", c)), None)
        if cd is None or f"{cd}H" not in lookup.columns:
            raise InputError(
                "region lookup",
                "no NHSERyyCD/NHSERyyCDH columns",
                expected="an ONS SICBL-ICB-NHSER lookup",
            )
        pairs = lookup[[cd, f"{cd}H"]].drop_duplicates()
        for gss, ods in pairs.itertuples(index=False):
            try:
                via_gss = current_region_code(gss, crosswalk)
            except LeagueAtlasError:
                problems.append(f"{cd} {gss} is not in the crosswalk")
                continue
            try:
                via_ods = region_code_for_ods(ods, crosswalk)
            except LeagueAtlasError:
                problems.append(f"{cd}H {ods} is not in the crosswalk")
                continue
            if via_gss != via_ods:
                problems.append(f"{cd} {gss} / {ods}: crosswalk gives {via_gss} vs {via_ods}")
    if boundaries is not None:
        want = dict(zip(crosswalk["region_code"], crosswalk["region_name"], strict=True))
        have = dict(zip(boundaries["code"], boundaries["name"], strict=True))
        for code in sorted(set(want) | set(have)):
            if code not in have:
                problems.append(f"crosswalk region {code} is not in the boundary layer")
            elif code not in want:
                problems.append(f"boundary region {code} is not in the crosswalk")
            elif normalise_label(want[code]) != normalise_label(have[code]):
                problems.append(f"{code}: crosswalk name {want[code]!r} vs boundary {have[code]!r}")
    return problems
