"""One trust search for every search box and for `python -m league_atlas find`.

People look a trust up by what they know: its name, its ODS code, the town it is in, or a hospital
it runs. A fuzzy in-order-letters match (Streamlit's default) offers unrelated trusts for "Truro"
and misses Alder Hey for "Liverpool", so matching here is by whole words (the last word may be
the start of a word, for typing), against the trust name, ODS code, headquarters address (ODS)
and the hospital sites the trust runs (NHS.UK), and a trust is offered only when a field names
what was typed. Results are ranked by what matched, best first:

=====================================  =====
exact ODS code                          100
exact headquarters town or postcode      90
trust name                               80
exact town of a site it runs             75
a site's name or code                    70
an address line or county, whole         50
postcode district (outward code)         45
every word somewhere (only when nothing  30
above matched any trust)
=====================================  =====

A word matched only as the start of a longer word scores 5 less; within a score, names that
start with the query come first, then alphabetical order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

RESULT_COLUMNS = ["trust_code", "trust_name", "trust_type", "town", "matched", "score"]
MAX_QUERY = 100
MIN_PREFIX = 3  # a shorter last word must match a whole word ("St" is not the start of "Stoke")
PREFIX_PENALTY = 5
# Words every trust name carries: a query of these alone matches by name only, and they never
# carry a cross-field match ("Liverpool hospital" is about Liverpool).
GENERIC = frozenset(
    [
        "nhs",
        "trust",
        "trusts",
        "foundation",
        "hospital",
        "hospitals",
        "the",
        "and",
        "of",
        "university",
        "teaching",
    ]
)

CODE, HQ_EXACT, NAME, SITE_TOWN, SITE, ADDRESS, DISTRICT, WORDS = 100, 90, 80, 75, 70, 50, 45, 30


def normalise(text: object) -> str:
    """Lower case ASCII words: accents, apostrophes and punctuation dropped, '&' -> 'and',
    'saint' -> 'st', so "St. Thomas'", "Saint Thomas" and "st thomas" compare equal."""
    s = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    s = s.lower().replace("&", " and ")
    s = re.sub(r"['`\u2019]", "", s)
    words = re.sub(r"[^a-z0-9]+", " ", s).split()
    return " ".join("st" if w == "saint" else w for w in words)


def _compact(text: object) -> str:
    return re.sub(r"[^A-Z0-9]", "", str(text or "").upper())


def _outward(postcode: object) -> str:
    """The postcode district: "L7 8XP" -> "L7" (everything before the last three characters)."""
    pc = _compact(postcode)
    return pc[:-3] if len(pc) > 4 else ""


@dataclass
class _Entry:
    code: str
    name: str
    trust_type: str
    town: str
    name_n: str
    hq_towns: set[str] = field(default_factory=set)
    hq_postcodes: set[str] = field(default_factory=set)
    districts: set[str] = field(default_factory=set)
    # (normalised text, what to say when it matches, score)
    fields: list[tuple[str, str, int]] = field(default_factory=list)
    site_towns: dict[str, str] = field(default_factory=dict)  # normalised town -> reason
    site_codes: dict[str, str] = field(default_factory=dict)  # compact code -> reason
    # Address lines and counties, matched whole ("Aintree", "Cornwall"; never "Liverpool Road").
    places: dict[str, str] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)


def _phrase(query: str, text: str) -> int | None:
    """0 if `query` occurs in `text` as whole words, PREFIX_PENALTY if its last word only
    starts a word there, None otherwise."""
    if not query or not text:
        return None
    padded = f" {text} "
    if f" {query} " in padded:
        return 0
    last = query.rsplit(" ", 1)[-1]
    if len(last) >= MIN_PREFIX and f" {query}" in padded:
        return PREFIX_PENALTY
    return None


class SearchIndex:
    """Trusts and their places, normalised once (build it per store version and keep it)."""

    def __init__(self, trusts: pd.DataFrame, sites: pd.DataFrame | None = None) -> None:
        self.entries: dict[str, _Entry] = {}
        for rec in trusts.itertuples(index=False):
            code = str(rec.trust_code).upper()
            ttype = str(getattr(rec, "trust_type", "") or "")
            if code in self.entries:
                e = self.entries[code]
                if ttype and ttype not in e.trust_type.split(", "):
                    e.trust_type = f"{e.trust_type}, {ttype}" if e.trust_type else ttype
                continue
            town = getattr(rec, "town", "")
            town = town if isinstance(town, str) else ""
            e = _Entry(code, str(rec.trust_name), ttype, town, normalise(rec.trust_name))
            if town:
                e.hq_towns.add(normalise(town))
            pc = getattr(rec, "postcode", "")
            if isinstance(pc, str) and pc.strip():
                e.hq_postcodes.add(_compact(pc))
                e.districts.add(_outward(pc))
            e.words.update(e.name_n.split())
            e.words.update(normalise(town).split())
            self.entries[code] = e
        if sites is not None and len(sites):
            for s in sites.itertuples(index=False):
                e = self.entries.get(str(s.trust_code).upper())
                if e is not None:
                    self._add_place(e, s)

    @staticmethod
    def _add_place(e: _Entry, s) -> None:
        def txt(col: str) -> str:
            v = getattr(s, col, "")
            return v if isinstance(v, str) else ""

        town, county, address, name = txt("town"), txt("county"), txt("address"), txt("site_name")
        pc = txt("postcode")
        if s.kind == "hq":
            if town:
                e.hq_towns.add(normalise(town))
            if pc:
                e.hq_postcodes.add(_compact(pc))
                e.districts.add(_outward(pc))
            where = ", ".join(x for x in (address, town, county) if x)
            for part in (*address.split(", "), county):
                e.places.setdefault(normalise(part), f"HQ at {where}")
        else:
            label = name or txt("site_code")
            at = f"{label}, {town}" if town and normalise(town) not in normalise(label) else label
            reason = f"runs {at}"
            if town:
                e.site_towns.setdefault(normalise(town), reason)
            if name:
                e.fields.append((normalise(name), reason, SITE))
            e.site_codes.setdefault(_compact(txt("site_code")), reason)
            for part in (*address.split(", "), county):
                e.places.setdefault(normalise(part), reason)
            if pc:
                e.districts.add(_outward(pc))
            e.words.update(normalise(name).split())
        e.words.update(normalise(f"{address} {town} {county}").split())

    def _score(self, e: _Entry, q: str, qc: str, content: list[str]) -> tuple[int, str] | None:
        best: tuple[int, str] | None = None

        def offer(score: int, reason: str) -> None:
            nonlocal best
            if best is None or score > best[0]:
                best = (score, reason)

        if qc == e.code:
            offer(CODE, "ODS code")
        if q in e.hq_towns:
            offer(HQ_EXACT, f"headquarters in {e.town or q.title()}")
        elif len(q) >= MIN_PREFIX and any(t.startswith(q) for t in e.hq_towns):
            offer(HQ_EXACT - PREFIX_PENALTY, f"headquarters in {e.town}")
        if qc in e.hq_postcodes:
            offer(HQ_EXACT, "headquarters postcode")
        pen = _phrase(q, e.name_n)
        if pen is not None:
            offer(NAME - pen, "name")
        if q in e.site_towns:
            offer(SITE_TOWN, e.site_towns[q])
        elif len(q) >= MIN_PREFIX:
            town = next((t for t in e.site_towns if t.startswith(q)), None)
            if town is not None:
                offer(SITE_TOWN - PREFIX_PENALTY, e.site_towns[town])
        if qc in e.site_codes:
            offer(SITE, e.site_codes[qc])
        if best is not None and best[0] >= SITE_TOWN:
            return best
        for text, reason, score in e.fields:
            pen = _phrase(q, text)
            if pen is not None:
                offer(score - pen, reason)
        if q in e.places:
            offer(ADDRESS, e.places[q])
        if qc in e.districts:
            offer(DISTRICT, "postcode district")
        return best

    def _words(self, e: _Entry, content: list[str]) -> tuple[int, str] | None:
        """Fallback for a query no field names whole: every (non-generic) word somewhere."""
        if len(content) < 2:
            return None
        hits = [self._word_hit(w, e.words) for w in content]
        if any(h is None for h in hits):
            return None
        return WORDS - max(hits), "every word in its name or places"

    @staticmethod
    def _word_hit(word: str, words: set[str]) -> int | None:
        if word in words:
            return 0
        if len(word) >= MIN_PREFIX and any(w.startswith(word) for w in words):
            return PREFIX_PENALTY
        return None

    def find(
        self, query: str, *, codes: Iterable[str] | None = None, limit: int | None = None
    ) -> pd.DataFrame:
        """Matching trusts, best first (RESULT_COLUMNS); empty for a blank or unmatched query."""
        q = normalise(str(query or "")[:MAX_QUERY])
        if not q:
            return pd.DataFrame(columns=RESULT_COLUMNS)
        qc = _compact(query)
        content = [w for w in q.split() if w not in GENERIC]
        allowed = None if codes is None else {str(c).upper() for c in codes}
        entries = [e for code, e in self.entries.items() if allowed is None or code in allowed]
        hits = [(e, self._score(e, q, qc, content)) for e in entries]
        if not any(h for _, h in hits):
            hits = [(e, self._words(e, content)) for e in entries]
        rows = []
        for e, hit in hits:
            if hit is not None:
                starts = e.name_n.startswith(q) or e.name_n.startswith(f"the {q}")
                rows.append((e.code, e.name, e.trust_type, e.town, hit[1], hit[0], not starts))
        out = pd.DataFrame(rows, columns=[*RESULT_COLUMNS, "_later"])
        out = out.sort_values(
            ["score", "_later", "trust_name"], ascending=[False, True, True], kind="stable"
        )
        out = out[RESULT_COLUMNS].reset_index(drop=True)
        return out.head(limit) if limit else out


def find_trusts(
    query: str,
    index: SearchIndex,
    *,
    codes: Iterable[str] | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The one trust search: every search box and the `find` command call this."""
    return index.find(query, codes=codes, limit=limit)


def build_index(store) -> SearchIndex:
    """The search index of a store (its trusts and their places)."""
    return SearchIndex(store.trusts, store.sites)
