"""Column contracts between stages: the tidy NOF table, the trust table and the store files.

Every stage reads and writes these names, so a reader change or a new release format cannot
silently break the scoring, the map or the exports.
"""

from __future__ import annotations

# Stable trust-type keys (published labels vary by release; see geo/trust_types.csv).
TRUST_TYPES: tuple[str, ...] = ("acute", "non-acute", "ambulance")

# The tidy long NOF table (store file metrics.parquet): one row per
# framework_year x quarter x trust_type x trust_code x metric_id.
METRIC_KEY = ["framework_year", "quarter", "trust_type", "trust_code", "metric_id"]
METRIC_COLUMNS = [
    "framework_year",  # "2025/26"
    "quarter",  # "Q1 2025/26"
    "quarter_index",  # int, sortable: 2025*10 + quarter number of the framework year
    "trust_type",  # key: acute | non-acute | ambulance
    "trust_code",  # ODS code, upper case
    "metric_id",  # e.g. OF0003, OF1003, OF4000, OF5002 (unknown ids are kept)
    "value",  # float
    "rank",  # float, NaN when blank
    "median",  # float, NaN when blank (raw OF0xxx rows only)
    "lower_quartile",
    "upper_quartile",
    "trust_name",  # as published
    "trust_type_label",  # as published
    "trust_subtype",  # as published, e.g. "Acute - Teaching"
    "region_label",  # as published, e.g. "North East"
    "domain",  # as published
    "subdomain",
    "description",  # stripped of stray (non-breaking) spaces
    "reporting_date",
    "units",
    "release_id",  # sha256[:16] of the file the row came from
]

# League-table files (store file league_files.parquet): one row per quarter x trust_type x trust.
LEAGUE_FILE_COLUMNS = [
    "framework_year",
    "quarter",
    "quarter_index",
    "trust_type",
    "trust_code",
    "trust_name",
    "trust_subtype",
    "region_label",
    "average_score",
    "score_range_low",
    "score_range_high",
    "segment",
    "in_financial_deficit",
    "rank",
    "rank_range_low",
    "rank_range_high",
    "release_id",
]

# The trust table (store file trusts.parquet and `python -m league_atlas trusts`).
TRUST_COLUMNS = [
    "trust_code",
    "trust_name",
    "trust_type",
    "trust_subtype",
    "region_code",  # NHS England region ONS code, 2024 boundaries (E400000xx)
    "region_name",
    "icb23_code",  # ICB GSS code, April 2023 boundaries (42)
    "icb23_name",
    "icb26_code",  # ICB GSS code, April 2026 boundaries (36)
    "icb26_name",
    "lad_code",  # Local authority district, May 2024 (LAD24CD)
    "lad_name",
    "lat",
    "lon",
    "located_by",  # which rule placed the trust (see places.py)
]

# Store file names under DATA_DIR/store/.
STORE_FILES = {
    "metrics": "metrics.parquet",
    "league_files": "league_files.parquet",
    "releases": "releases.parquet",
    "trusts": "trusts.parquet",
    "places_report": "places_report.parquet",
    "sites": "sites.parquet",  # one row per trust x place (ODS HQ address, NHS.UK sites): search
    "manifest": "manifest.json",
    "boundaries": "boundaries",  # folder of GeoParquet, one file per layer id
    "context": "context",  # folder: proxies.parquet and friends (context stage)
}
