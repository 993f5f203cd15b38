#!/usr/bin/env python3
"""Reference port of telemanom's dynamic threshold, for parity checks of
src/thresholds/dynamic-threshold.ts (numpy only).

Written for this project from a reading of the procedure of Hundman et al.
(KDD 2018) and of the behaviour of khundman/telemanom (errors.py and the
counting in detector.py at HEAD, the code that produced the reference CSV in
../shared/datasets/smap_msl/telemanom_reference); no code is taken from it.
The behaviour reproduced, including its quirks:

- errors: one per forecast window of the test series, N - l_s - horizon of them
  (|yhat(t) - y(t)| for t = l_s .. N - horizon - 1);
- smoothing: EWMA with span int(70 * 30 * 0.05) = 105, bias-adjusted at the
  start; then the first l_s smoothed errors set to the mean of the first
  2 * l_s (every channel but C-2);
- windows of 30 batches of 70 steps, one per batch: floor((L - 2100) / 70) + 1
  of them (one when L < 2170); the last runs to the end of the errors, so it
  holds 2100 to 2169 steps;
- each window labels only its last 70 steps (the first window: every step from
  the ignored start on: 2 * l_s, l_s when L < 2500, 0 when L < 1800, L the
  error length), so up to 69 steps before the last window's last 70 are never
  labelled;
- epsilon = mean + z * sd of the window, z in 2.5, 3, ..., 11.5 maximising
  (mean drop / mean + sd drop / sd) / (sequences^2 + flagged points), points
  at or above epsilon widened by 99 on either side, sequences of one point not
  counted, candidates with more than 5 sequences or flagging half the window
  or more skipped, ties to the larger z, 12 when none qualifies; the same on
  the errors mirrored around the window mean (2 * mean - e) with the same mean
  and sd in the criterion;
- a window flags nothing unless (sd of its smoothed errors > 5% of the sd of
  its values, or its largest smoothed error > 5% of their 5-95 percentile
  range) and its largest smoothed error > 0.05, the values being every
  forecast target of the window's steps (y_test rows of `horizon` values);
- points flagged: at or above epsilon and above 5% of that percentile range,
  widened by 100 on either side within the window;
- pruning: sequence maxima (over the labelled part of each sequence of two or
  more points) sorted in descending order, then the largest smoothed error of
  the window neither flagged now nor by an earlier window (no floor: it may be
  negative on the mirrored errors); every sequence after the last relative
  drop of at least p = 0.13 is dropped, and so are single points, unless the
  direction has no sequence of two points or more, in which case its single
  points stay;
- the flags of both directions are united; consecutive flagged steps of all
  windows form the ranges, single-step ranges dropped; ranges + l_s are test
  indices;
- counting: a range overlapping a labelled range is a true positive for the
  first labelled range of the label row (in the row's order) that it overlaps,
  once per labelled range; a range overlapping none is a false positive.

Usage (from the repository root):
  python3 bench/telemanom-parity.py fixtures   # writes test/thresholds/fixtures/telemanom-parity/
  python3 bench/telemanom-parity.py naive      # naive forecast on every SMAP/MSL label row
"""

import argparse
import ast
import csv
import gzip
import json
import os
import sys

import numpy as np

L_S = 250
HORIZON = 10
BATCH = 70
WINDOWS = 30
SPAN = int(BATCH * WINDOWS * 0.05)
BUFFER = 100
P = 0.13
Z_LIM = 12.0

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(ROOT, 'test', 'thresholds', 'fixtures', 'telemanom-parity')
DATA = os.environ.get('NORMALCY_DATASETS', os.path.join(ROOT, '..', 'shared', 'datasets'))


def ewma(x, span):
    decay = 1.0 - 2.0 / (span + 1.0)
    out = np.empty(len(x))
    num = den = 0.0
    for i, v in enumerate(x):
        num = v + decay * num
        den = 1.0 + decay * den
        out[i] = num / den
    return out


def widen(points, radius, length):
    """Boolean mask of `length` with each index in `points` widened by radius."""
    diff = np.zeros(length + 1, dtype=np.int64)
    np.add.at(diff, np.clip(points - radius, 0, length), 1)
    np.add.at(diff, np.clip(points + radius + 1, 0, length), -1)
    return np.cumsum(diff[:-1]) > 0


def runs(mask):
    """Inclusive (start, end) runs of True in a boolean mask."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[0::2], edges[1::2])]


def choose_epsilon(d, mean, sd):
    best_score = -np.inf
    best_z = Z_LIM
    n = len(d)
    for z in np.arange(2.5, Z_LIM, 0.5):
        eps = mean + z * sd
        above = d >= eps
        if not above.any():
            continue
        flagged = widen(np.flatnonzero(above), BUFFER - 1, n)
        sequences = sum(1 for a, b in runs(flagged) if b > a)
        below = d[~above]
        score = ((mean - below.mean()) / mean + (sd - below.std()) / sd) / (
            sequences**2 + int(flagged.sum())
        )
        if score >= best_score and sequences <= 5 and flagged.sum() < 0.5 * n:
            best_score = score
            best_z = z
    return mean + best_z * sd


def ignored_steps(length):
    if length < 1800:
        return 0
    return L_S if length < 2500 else 2 * L_S


def threshold_ranges(errors, targets, flatten=True):
    """Ranges (inclusive, error indices) flagged in `errors` (length L);
    `targets` is L x horizon, row i the values forecast from window i."""
    e = np.asarray(errors, dtype=np.float64)
    n = len(e)
    e_s = ewma(e, SPAN)
    if flatten:
        e_s[:L_S] = e_s[: 2 * L_S].mean()
    last = (n - BATCH * WINDOWS) // BATCH if n >= BATCH * WINDOWS else 0
    ignore = ignored_steps(n)
    flagged = np.zeros(n, dtype=bool)
    for k in range(last + 1):
        start = k * BATCH
        end = n if k == last else start + BATCH * WINDOWS
        w = e_s[start:end]
        size = len(w)
        label_from = ignore if k == 0 else size - BATCH
        mean, sd = w.mean(), w.std()
        vals = targets[start:end].ravel()
        sd_vals = vals.std()
        p95, p5 = np.percentile(vals, [95, 5])
        spread = p95 - p5
        peak = w.max()
        if not (sd > 0.05 * sd_vals or peak > 0.05 * spread) or not peak > 0.05:
            continue
        window_flags = np.zeros(size, dtype=bool)
        for d in (w, 2 * mean - w):
            eps = choose_epsilon(d, mean, sd)
            points = np.flatnonzero((d >= eps) & (d > 0.05 * spread))
            if len(points) == 0:
                continue
            sel = widen(points, BUFFER, size)
            sel[:label_from] = False
            if not sel.any():
                continue
            others = ~sel & ~flagged[start:end]
            free_max = d[others].max() if others.any() else -np.inf
            groups = [g for g in runs(sel) if g[1] > g[0]]
            if not groups:
                window_flags |= sel  # single points only: not pruned, kept
                continue
            maxima = [d[a : b + 1].max() for a, b in groups]
            order = sorted(range(len(groups)), key=lambda i: -maxima[i])
            chain = [maxima[i] for i in order] + [free_max]
            keep_upto = -1
            for i in range(len(order)):
                if (chain[i] - chain[i + 1]) / chain[i] >= P:
                    keep_upto = i
            for i in order[: keep_upto + 1]:
                a, b = groups[i]
                window_flags[a : b + 1] = True
        flagged[start:end] |= window_flags
    return [(a, b) for a, b in runs(flagged) if b > a]


def count_events(predicted, labelled):
    """telemanom's counts: (tp, fp, fn, tp crediting every overlapped range)."""
    matched = set()
    lenient = set()
    fp = 0
    for a, b in predicted:
        hits = [i for i, (s, t) in enumerate(labelled) if a <= t and b >= s]
        if not hits:
            fp += 1
            continue
        matched.add(hits[0])
        lenient.update(hits)
    return len(matched), fp, len(labelled) - len(matched), len(lenient)


def synthetic_case(seed, n):
    """Errors with bumps and dips on a noisy level, and a bounded random-walk
    channel whose rows of `HORIZON` targets go with them."""
    rng = np.random.default_rng(seed)
    level = 0.05 + 0.1 * rng.random()
    e = np.abs(level + 0.03 * rng.standard_normal(n))
    for _ in range(rng.integers(1, 6)):
        a = int(rng.integers(0, n - 20))
        length = int(rng.integers(3, 200))
        e[a : a + length] += rng.uniform(0.05, 0.6)
    for _ in range(rng.integers(0, 3)):
        a = int(rng.integers(0, n - 20))
        length = int(rng.integers(100, 600))
        e[a : a + length] *= rng.uniform(0.0, 0.3)
    if rng.random() < 0.5:  # a start-up spike, as an untrained EWMA start gives
        e[: int(rng.integers(5, 60))] += rng.uniform(0.2, 1.0)
    walk = np.cumsum(0.02 * rng.standard_normal(n + HORIZON - 1))
    values = np.tanh(walk - walk.mean())
    return e.astype(np.float32), values.astype(np.float32)


def targets_of(values, n):
    return np.stack([values[i : i + HORIZON] for i in range(n)]).astype(np.float64)


SYNTHETIC = [(1, 8000), (2, 5000), (3, 2150), (4, 2400), (5, 1700), (6, 9137), (7, 3333), (8, 6001)]
CHANNELS = ['P-1', 'C-2', 'D-14', 'M-6', 'T-9']


def read_test(channel):
    with gzip.open(os.path.join(DATA, 'smap_msl', 'test', f'{channel}.npy.gz')) as f:
        return np.load(f)[:, 0].astype(np.float64)


def naive_errors(series):
    """|y(t) - y(t - 1)| for t = l_s .. N - horizon - 1, and the target rows."""
    n = len(series) - L_S - HORIZON
    t = np.arange(L_S, L_S + n)
    errors = np.abs(series[t] - series[t - 1])
    targets = np.stack([series[L_S + i : L_S + i + HORIZON] for i in range(n)])
    return errors, targets


def write_fixtures():
    os.makedirs(FIXTURES, exist_ok=True)
    cases = []
    for seed, n in SYNTHETIC:
        e, values = synthetic_case(seed, n)
        name = f'synthetic-{seed}'
        np.save(os.path.join(FIXTURES, f'{name}-errors.npy'), e)
        np.save(os.path.join(FIXTURES, f'{name}-values.npy'), values)
        ranges = threshold_ranges(e.astype(np.float64), targets_of(values.astype(np.float64), n))
        cases.append({'name': name, 'kind': 'synthetic', 'steps': n, 'ranges': ranges})
        print(f'{name}: {n} errors, ranges {ranges}')
    for channel in CHANNELS:
        errors, targets = naive_errors(read_test(channel))
        ranges = threshold_ranges(errors, targets, flatten=channel != 'C-2')
        cases.append({'name': channel, 'kind': 'naive', 'steps': len(errors), 'ranges': ranges})
        print(f'{channel} (naive forecast): {len(errors)} errors, ranges {ranges}')
    with open(os.path.join(FIXTURES, 'ranges.json'), 'w') as f:
        json.dump(
            {
                'generator': 'bench/telemanom-parity.py fixtures',
                'note': 'ranges are inclusive error indices; synthetic cases: <name>-errors.npy '
                '(float32) and <name>-values.npy (errors + 9 values; row i of targets = '
                'values[i:i+10]); naive cases: |y(t) - y(t-1)| of column 0 of '
                'smap_msl/test/<chan>.npy.gz for t = 250 .. N - 11',
                'cases': cases,
            },
            f,
            indent=1,
        )
        f.write('\n')


def naive_all():
    rows = list(csv.DictReader(open(os.path.join(DATA, 'smap_msl', 'labeled_anomalies.csv'))))
    totals = {}
    for row in rows:
        channel = row['chan_id']
        errors, targets = naive_errors(read_test(channel))
        ranges = threshold_ranges(errors, targets, flatten=channel != 'C-2')
        predicted = [(a + L_S, b + L_S) for a, b in ranges]
        labelled = ast.literal_eval(row['anomaly_sequences'])
        tp, fp, fn, lenient = count_events(predicted, labelled)
        for key in (row['spacecraft'], 'total'):
            t = totals.setdefault(key, [0, 0, 0, 0])
            for i, v in enumerate((tp, fp, fn, lenient)):
                t[i] += v
        print(f'{channel} {row["spacecraft"]}: tp {tp} fp {fp} fn {fn} ranges {predicted}')
    for key, (tp, fp, fn, lenient) in totals.items():
        f1 = 2 * tp / (2 * tp + fp + fn)
        print(f'{key}: TP/FP/FN {tp}/{fp}/{fn} F1 {f1:.3f} (TP crediting every overlap: {lenient})')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('what', choices=['fixtures', 'naive'])
    args = parser.parse_args()
    if args.what == 'fixtures':
        write_fixtures()
    else:
        naive_all()
    return 0


if __name__ == '__main__':
    sys.exit(main())
