"""Context for the league tables: staff-attraction and area proxies, one row per trust.

One module per source family reads its raw file(s) into a tidy table keyed by ODS code, local
authority (any vintage) or NHS region; `lad_vintages` bridges local-authority vintages through the
explicit crosswalks in `geo/`; `proxies` joins everything onto the trust table, keeps the proxy
metadata registry and computes the staff-attraction index.
"""
