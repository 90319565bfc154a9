// What the live map writes: tooltip lines, rank-change words and choropleth colours, in the same
// words and ramps as the Python map (league_atlas.render.mapview, views.presentation).
import { shownSegment } from './scoring.js';

/** "18th", "21st", "112th". */
export function ordinal(n) {
  const k = Math.round(n);
  const t = k % 100;
  const suffix = t >= 11 && t <= 13 ? 'th' : { 1: 'st', 2: 'nd', 3: 'rd' }[k % 10] || 'th';
  return `${k}${suffix}`;
}

/** "▲ 3" (moved up), "▼ 2", "0"; empty when unknown (presentation.rank_change_arrow). */
export function rankChangeText(c) {
  if (c === null || c === undefined || Number.isNaN(c)) return '';
  const k = Math.trunc(c);
  if (k > 0) return `▲ ${k}`;
  if (k < 0) return `▼ ${-k}`;
  return '0';
}

const fmtRank = (x) => (Number.isNaN(x) ? 'n/a' : String(Math.trunc(x)));

/** Tooltip lines of one trust, as mapview.trust_points writes them. */
export function tooltipLines(result, i, nTrusts, style, officialRank) {
  const seg = shownSegment(result, i);
  const segText = `Segment ${style.label}` + (seg === 5 ? ' (Recovery Support Programme)' : '');
  const sc = result.score[i];
  const c = result.rankChange[i];
  return {
    tt_l1: Number.isNaN(sc) ? segText : `${segText} · average score ${sc.toFixed(2)} (1 best - 4 worst)`,
    tt_l2: `Rank ${fmtRank(result.rank[i])} of ${nTrusts} (official ${fmtRank(officialRank ?? NaN)})`,
    tt_l3: Number.isNaN(c) ? '' : `Rank change: ${rankChangeText(c)} places`,
    seg_label: style.label,
  };
}

function hexToRgb(h) {
  const s = h.replace('#', '');
  return [0, 2, 4].map((k) => parseInt(s.slice(k, k + 2), 16));
}

/** Colour at t in [0, 1] along a ramp of hex stops (presentation.interpolate). */
export function interpolate(stops, t) {
  const u = Math.min(Math.max(t, 0), 1);
  const pos = u * (stops.length - 1);
  const i = Math.min(Math.floor(pos), stops.length - 2);
  const f = pos - i;
  const a = hexToRgb(stops[i]);
  const b = hexToRgb(stops[i + 1]);
  return a.map((x, k) => Math.round(x + (b[k] - x) * f));
}

/** Per-area value, fill and tooltip line under the current scores (mapview.area_stats). */
export function choropleth(spec, areaOf, result) {
  const acc = new Map();
  for (let i = 0; i < areaOf.length; i++) {
    const code = areaOf[i];
    if (code === null || code === undefined) continue;
    let v;
    if (spec.measure === 'share_s34') v = Number.isNaN(result.segment[i]) ? NaN : result.segment[i] >= 3 ? 100 : 0;
    else if (spec.measure === 'mean_score') v = result.score[i];
    else if (spec.measure === 'mean_rank_change') v = result.rankChange[i];
    else continue;
    const a = acc.get(code) || { sum: 0, n: 0 };
    if (!Number.isNaN(v)) {
      a.sum += v;
      a.n += 1;
    }
    acc.set(code, a);
  }
  const values = new Map([...acc].map(([k, a]) => [k, a.n ? a.sum / a.n : NaN]));
  const finite = [...values.values()].filter((x) => !Number.isNaN(x));
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const m = Math.max(...finite.map(Math.abs), 1e-9);
  const out = new Map();
  for (const [code, v] of values) {
    let rgb;
    let text;
    if (Number.isNaN(v)) {
      rgb = hexToRgb(spec.noData);
      text = `${spec.label}: no trusts`;
    } else {
      const t = spec.diverging ? 0.5 + (0.5 * v) / m : hi === lo ? 0 : (v - lo) / (hi - lo);
      rgb = interpolate(spec.ramp, t);
      const num = spec.diverging ? `${v >= 0 ? '+' : ''}${v.toFixed(1)}` : v.toFixed(2);
      text = `${spec.label}: ${num} ${spec.unit}`;
    }
    out.set(code, { value: v, fill: [...rgb, spec.alpha], text });
  }
  return out;
}
