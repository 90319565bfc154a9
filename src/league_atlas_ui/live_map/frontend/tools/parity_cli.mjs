// Scores many weight vectors with the browser module, for the parity test against the Python
// engine (tests/unit/test_live_scoring_parity.py). Reads {league, cases: [{w, segmentMethod,
// financialOverride}]} as JSON on stdin; writes one result per case (NaN as null) on stdout.
import { score } from '../src/scoring.js';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const { league, cases } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const plain = (a) => Array.from(a, (x) => (Number.isNaN(x) ? null : x));
const out = cases.map(({ w, segmentMethod, financialOverride }) => {
  const r = score(league, w, { segmentMethod, financialOverride });
  return {
    score: plain(r.score),
    segmentUnadjusted: plain(r.segmentUnadjusted),
    segment: plain(r.segment),
    finalSegment: plain(r.finalSegment),
    rank: plain(r.rank),
    official: r.official,
  };
});
process.stdout.write(JSON.stringify(out));
