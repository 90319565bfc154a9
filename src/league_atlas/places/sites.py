"""Where each trust is: its ODS headquarters address and the hospital sites it runs (NHS.UK).

The trust search (views/search.py) matches a town or a hospital to the trusts that run something
there, so the store keeps one row per (trust, place) in ``sites.parquet``: the HQ address from
every ODS etr.csv extract that lists the trust (kind ``hq``), and every NHS.UK Hospital.csv site
whose ``ParentODSCode`` is the trust (kind ``site``, NHS or independent sector alike: the flag is
unreliable). Sites without coordinates are kept: a place name is enough to search by.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from league_atlas.errors import InputError
from league_atlas.io.sources import raw_file
from league_atlas.places import locate

SITE_COLUMNS = [
    "trust_code",
    "kind",  # hq | site
    "source_id",  # catalogue source the row came from
    "site_code",  # ODS code of the site (the trust's own code for hq rows)
    "site_name",  # hospital name ("" for hq rows)
    "address",  # address lines joined with ", "
    "town",
    "county",
    "postcode",
]

# The documented ODS etr.csv layout (no header row): address columns, 0-based.
ODS_ADDRESS_LAYOUT = {0: "code", 4: "a1", 5: "a2", 6: "a3", 7: "town", 8: "county", 9: "postcode"}
HOSPITAL_ADDRESS_COLUMNS = {
    "OrganisationCode": "site_code",
    "OrganisationName": "site_name",
    "ParentODSCode": "parent_code",
    "Address1": "a1",
    "Address2": "a2",
    "Address3": "a3",
    "City": "town",
    "County": "county",
    "Postcode": "postcode",
}


def _tidy(text: object) -> str:
    """ODS writes addresses in capitals: title case them for display ("ST. PANCRAS" -> "St. Pancras")."""
    s = " ".join(str(text or "").split())
    return s.title() if s.isupper() else s


def _address(*parts: str) -> str:
    return ", ".join(_tidy(p) for p in parts if str(p or "").strip())


def read_ods_addresses(path: Path) -> pd.DataFrame:
    """HQ address rows (SITE_COLUMNS) from one ODS etr.csv extract."""
    where = str(path)
    if not Path(path).is_file():
        raise InputError(where, "file not found", expected="a fetched ODS etr.csv")
    raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    need = max(ODS_ADDRESS_LAYOUT) + 1
    if raw.shape[1] < need:
        raise InputError(
            where, f"{raw.shape[1]} columns", expected=f"at least {need} (ODS etr layout)"
        )
    df = raw[list(ODS_ADDRESS_LAYOUT)].rename(columns=ODS_ADDRESS_LAYOUT)
    df = df.apply(lambda s: s.str.strip())
    return pd.DataFrame(
        {
            "trust_code": df["code"].str.upper(),
            "kind": "hq",
            "site_code": df["code"].str.upper(),
            "site_name": "",
            "address": [_address(a, b, c) for a, b, c in zip(df.a1, df.a2, df.a3, strict=True)],
            "town": df["town"].map(_tidy),
            "county": df["county"].map(_tidy),
            "postcode": df["postcode"].str.upper(),
        }
    )


def read_hospital_addresses(path: Path) -> pd.DataFrame:
    """Site rows (SITE_COLUMNS) from NHS.UK Hospital.csv ('¬'-delimited, cp1252)."""
    df = locate.read_hospital_columns(path, HOSPITAL_ADDRESS_COLUMNS)
    return pd.DataFrame(
        {
            "trust_code": df["parent_code"].str.upper(),
            "kind": "site",
            "site_code": df["site_code"].str.upper(),
            "site_name": df["site_name"].map(_tidy),
            "address": [_address(a, b, c) for a, b, c in zip(df.a1, df.a2, df.a3, strict=True)],
            "town": df["town"].map(_tidy),
            "county": df["county"].map(_tidy),
            "postcode": df["postcode"].str.upper(),
        }
    )


def build_sites(data_dir: Path, trust_codes: Iterable[str]) -> pd.DataFrame:
    """Every place of the given trusts (SITE_COLUMNS), HQ rows first, duplicates dropped."""
    codes = {str(c).upper() for c in trust_codes}
    parts = []
    for sid in locate.ODS_SOURCES:
        rows = read_ods_addresses(raw_file(data_dir, sid))
        parts.append(rows.assign(source_id=sid))
    rows = read_hospital_addresses(raw_file(data_dir, locate.HOSPITALS_SOURCE))
    parts.append(rows.assign(source_id=locate.HOSPITALS_SOURCE))
    out = pd.concat(parts, ignore_index=True)
    out = out[out["trust_code"].isin(codes)]
    key = ["trust_code", "kind", "site_code", "site_name", "address", "town", "county", "postcode"]
    out = out.drop_duplicates(subset=key, keep="first")
    return out[SITE_COLUMNS].reset_index(drop=True)
