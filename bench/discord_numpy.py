"""Plain NumPy/SciPy reference of the discord detector's AB-join, for bench/discord-speed.ts.

Same algorithm: the first row and column of dot products by FFT convolution
(scipy.signal.fftconvolve), then STOMP's row recurrence vectorised over the reference,
z-normalised distances, nearest neighbour per test window.
Usage: python3 bench/discord_numpy.py TEST_STEPS REF_STEPS WINDOW [ROWS]  -> prints JSON.
ROWS: compute only the first ROWS test windows (a fraction of a long series; the FFT
setup still covers all of it, and the row loop's cost per row does not depend on the length).
"""
import json
import sys
import time

import numpy as np
from scipy.signal import fftconvolve


def series(n, seed):
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    return np.sin(2 * np.pi * i / 100) + 0.3 * np.cumsum(rng.standard_normal(n)) / np.sqrt(n) + 0.1 * rng.standard_normal(n)


def stats(x, w):
    c = np.concatenate(([0.0], np.cumsum(x)))
    c2 = np.concatenate(([0.0], np.cumsum(x * x)))
    mean = (c[w:] - c[:-w]) / w
    std = np.sqrt(np.maximum((c2[w:] - c2[:-w]) / w - mean * mean, 0))
    return mean, std


def ab_join(a, b, w, rows=None):
    ma, sa = stats(a, w)
    mb, sb = stats(b, w)
    na, nb = len(ma), len(mb)
    qt = fftconvolve(b, a[:w][::-1])[w - 1 : w - 1 + nb].copy()
    col = fftconvolve(a, b[:w][::-1])[w - 1 : w - 1 + na]
    inv_b = 1 / np.where(sb > 1e-8, sb, np.inf)
    rows = na if rows is None else min(rows, na)
    out = np.empty(rows)
    for i in range(rows):
        if i > 0:
            qt[1:] = qt[:-1] - a[i - 1] * b[: nb - 1] + a[i + w - 1] * b[w : w + nb - 1]
            qt[0] = col[i]
        rho = (qt / w - ma[i] * mb) * inv_b
        out[i] = np.sqrt(max(0.0, 2 * w * (1 - rho.max() / sa[i])))
    return out


def main():
    n, m, w = (int(v) for v in sys.argv[1:4])
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else n - w + 1
    a = series(n, 1)
    b = series(m, 2)
    t0 = time.perf_counter()
    c0 = time.process_time()
    d = ab_join(a, b, w, rows)
    s = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(json.dumps({"steps": rows, "seriesSteps": n, "reference": m, "window": w, "seconds": s, "cpuSeconds": cpu, "stepsPerSecond": rows / s, "checksum": float(d.sum())}))


if __name__ == "__main__":
    main()
