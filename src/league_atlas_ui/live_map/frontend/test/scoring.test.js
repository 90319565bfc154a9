// Unit tests of the browser scoring helpers (node --test). The full check against the Python
// engine is tests/unit/test_live_scoring_parity.py.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  competitionRank,
  isOfficial,
  itemWeights,
  nanQuantile,
  rint,
  score,
  segmentFromSteps,
  toSteps,
} from '../src/scoring.js';

test('rint rounds half to even, as NumPy', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -1.5, 2.4999, 2.6].map(rint), [0, 2, 2, -2, 2, 3]);
});

test('toSteps removes float noise before rounding half up', () => {
  assert.equal(toSteps(2.05), 205); // 2.05 * 100 = 204.99999999999997
  assert.equal(toSteps(2.065), 207);
  assert.equal(toSteps(2.0649999), 206);
  assert.ok(Number.isNaN(toSteps(NaN)));
});

test('a score exactly on a cut-point stays in the better segment', () => {
  const cuts = [413, 513, 613]; // 2.065, 2.565, 3.065 in doubled steps
  assert.equal(segmentFromSteps(206, cuts), 1);
  assert.equal(segmentFromSteps(206.5, cuts), 1);
  assert.equal(segmentFromSteps(207, cuts), 2);
  assert.equal(segmentFromSteps(400, cuts), 4);
});

test('competition ranks: ties share the lowest rank, missing scores are unranked', () => {
  const r = competitionRank([1, 1, 2, 1, NaN], [200, 190, 150, 200, 100]);
  assert.deepEqual(Array.from(r), [2, 1, 4, 2, NaN]);
});

test('nanQuantile matches NumPy linear interpolation', () => {
  assert.equal(nanQuantile([1, 2, 3, 4, NaN], 0.25), 1.75);
  assert.equal(nanQuantile([10, 0], 0.5), 5);
});

test('official weights are any equal positive vector', () => {
  assert.ok(isOfficial([2, 2, 2]));
  assert.ok(!isOfficial([1, 1, 0]));
  assert.ok(!isOfficial([0, 0]));
});

const league = {
  itemKeys: ['a', 'b'],
  itemDomains: ['D1', 'D2'],
  scores: [
    [1, 3],
    [2, 2],
    [4, null],
  ],
  recomputed: [2, 2, 4],
  publishedAverage: [2, 2, 4],
  publishedUnadjusted: [1, 1, 4],
  publishedSegment: [1, 3, 4],
  publishedRank: [1, 2, 3],
  overrideFlag: [false, true, false],
  inSupport: [0, 0, 1],
  doubledCuts: [501, 601, 701],
  overrideFloor: 3,
  supportSegment: 5,
  decimals: 2,
};

test('official weights return the published table', () => {
  const r = score(league, [1, 1]);
  assert.ok(r.official);
  assert.deepEqual(Array.from(r.rank), [1, 2, 3]);
  assert.deepEqual(Array.from(r.segment), [1, 3, 4]);
  assert.deepEqual(Array.from(r.finalSegment), [1, 3, 5]);
});

test('re-weighting anchors on the published average and applies the override', () => {
  const w = itemWeights(league, { D1: 3 });
  assert.deepEqual(w, [3, 1]);
  const r = score(league, w);
  assert.ok(!r.official);
  assert.ok(Math.abs(r.score[0] - 1.5) < 1e-12); // 2 + ((3*1 + 3)/4 - 2)
  assert.equal(r.segment[1], 3); // flagged: never better than the floor
  assert.equal(r.score[2], 4); // only item a: unchanged
  assert.deepEqual(Array.from(r.rank), [1, 2, 3]);
  assert.deepEqual(Array.from(r.rankChange), [0, 0, 0]);
});

test('a trust with no weighted item gets no score, segment or rank', () => {
  const r = score(league, [0, 1]);
  assert.ok(Number.isNaN(r.score[2]));
  assert.ok(Number.isNaN(r.segment[2]));
  assert.ok(Number.isNaN(r.rank[2]));
});
