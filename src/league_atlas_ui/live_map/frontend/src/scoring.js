// Browser re-scoring of one (quarter, trust type): the same rules as the Python engine
// (league_atlas.scoring.engine.score and preparation's precision helpers), so a slider can move
// the league without a server round trip. tests/unit/test_live_scoring_parity.py checks this
// module against the engine on 1,000 random weight vectors per view.
//
// `league` is the JSON Python sends once per view (league_atlas.render.live_payload):
//   scores: trusts x items (null = the trust has no score for that item)
//   itemDomains, domains, recomputed, publishedAverage, publishedUnadjusted, publishedSegment,
//   publishedRank, overrideFlag, inSupport (null = unknown), doubledCuts, overrideFloor,
//   supportSegment, decimals.
// Missing numbers arrive as null and are held as NaN.

const num = (v) => (v === null || v === undefined ? NaN : v);

/** Round half to even (NumPy's rint). */
export function rint(x) {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Scores in whole published steps: floor(round(x * 10^d, 6) + 0.5), as preparation.to_steps. */
export function toSteps(x, decimals = 2) {
  if (!Number.isFinite(x)) return NaN;
  const scaled = rint(x * 10 ** decimals * 1e6) / 1e6;
  return Math.floor(scaled + 0.5);
}

/** 1 + number of doubled cut-points strictly below 2 x steps (a score on a cut stays better). */
export function segmentFromSteps(steps, doubledCuts) {
  if (Number.isNaN(steps)) return NaN;
  const s2 = 2 * steps;
  let seg = 1;
  for (const c of doubledCuts) if (s2 > c) seg += 1;
  return seg;
}

/** Competition ranks ("1224"): by segment, then steps; NaN keys get NaN and push no one down. */
export function competitionRank(segment, steps) {
  const n = segment.length;
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = segment[i] * 1e6 + steps[i];
    key[i] = Number.isNaN(k) ? Infinity : k;
  }
  const order = Array.from(key.keys()).sort((a, b) => key[a] - key[b]);
  const rank = new Float64Array(n).fill(NaN);
  let pos = 0;
  while (pos < n) {
    const k = key[order[pos]];
    if (k === Infinity) break;
    let end = pos;
    while (end + 1 < n && key[order[end + 1]] === k) end += 1;
    for (let j = pos; j <= end; j++) rank[order[j]] = pos + 1;
    pos = end + 1;
  }
  return rank;
}

/** NumPy's linear nanquantile (including its two-sided lerp) over the finite values. */
export function nanQuantile(values, q) {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  const t = pos - lo;
  const a = v[lo];
  const b = v[hi];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Effective item weights: domain weight x item weight (unnamed = 1). */
export function itemWeights(league, domainWeights = {}, metricWeights = {}) {
  return league.itemKeys.map((k, j) => {
    const d = domainWeights[league.itemDomains[j]];
    const m = metricWeights[k];
    return (d === undefined ? 1 : d) * (m === undefined ? 1 : m);
  });
}

/** Equal positive weights on every item: the official method (engine.vector_is_official). */
export function isOfficial(w) {
  if (!w.length || !(w[0] > 0)) return false;
  return w.every((x) => Math.abs(x - w[0]) <= 1e-12 * Math.abs(w[0]));
}

/**
 * Re-score every trust. Returns arrays in the payload's trust order:
 * score, recomputed, segmentUnadjusted, segment, finalSegment, rank, rankChange, official.
 */
export function score(league, w, { segmentMethod = 'release', financialOverride = true } = {}) {
  const n = league.scores.length;
  const d = league.decimals;
  const official = isOfficial(w);
  const recomputed = new Float64Array(n);
  const s = new Float64Array(n);
  const steps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const pub = num(league.publishedAverage[i]);
    if (official) {
      recomputed[i] = num(league.recomputed[i]);
      s[i] = pub;
    } else {
      const row = league.scores[i];
      let numer = 0;
      let den = 0;
      let items = 0;
      for (let j = 0; j < row.length; j++) {
        const v = row[j];
        if (v === null) continue;
        items += 1;
        numer += v * w[j];
        den += w[j];
      }
      recomputed[i] = den > 0 ? numer / den : NaN;
      s[i] = items > 0 ? pub + (recomputed[i] - num(league.recomputed[i])) : pub;
    }
    steps[i] = toSteps(s[i], d);
  }
  let cuts = league.doubledCuts.map(num);
  if (segmentMethod === 'quartiles') {
    const st = Array.from(steps);
    cuts = [0.25, 0.5, 0.75].map((q) => 2 * nanQuantile(st, q));
  } else if (segmentMethod !== 'release') {
    throw new Error(`segmentMethod must be 'release' or 'quartiles', not ${segmentMethod}`);
  }
  const unadj = new Float64Array(n);
  const seg = new Float64Array(n);
  const officialRelease = official && segmentMethod === 'release';
  for (let i = 0; i < n; i++) {
    if (officialRelease) {
      const pu = num(league.publishedUnadjusted[i]);
      unadj[i] = Number.isNaN(pu) ? segmentFromSteps(steps[i], cuts) : pu;
      seg[i] = financialOverride ? num(league.publishedSegment[i]) : unadj[i];
    } else {
      unadj[i] = segmentFromSteps(steps[i], cuts);
      seg[i] =
        financialOverride && league.overrideFlag[i]
          ? Math.max(unadj[i], league.overrideFloor)
          : unadj[i];
      if (Number.isNaN(unadj[i])) seg[i] = NaN;
    }
  }
  let rank = competitionRank(seg, steps);
  if (officialRelease && financialOverride) {
    rank = rank.map((r, i) => {
      const p = num(league.publishedRank[i]);
      return Number.isNaN(p) ? r : p;
    });
  }
  const finalSegment = new Float64Array(n);
  const rankChange = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sup = num(league.inSupport[i]);
    finalSegment[i] = Number.isNaN(sup) ? NaN : sup === 1 ? league.supportSegment : seg[i];
    rankChange[i] = num(league.publishedRank[i]) - rank[i];
  }
  return {
    score: s,
    recomputed,
    steps,
    segmentUnadjusted: unadj,
    segment: seg,
    finalSegment,
    rank,
    rankChange,
    official,
  };
}

/** The segment a reader sees: 5 for Recovery Support Programme trusts, else the adjusted one. */
export function shownSegment(result, i) {
  return result.finalSegment[i] === 5 ? 5 : result.segment[i];
}
