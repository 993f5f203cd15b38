"""Compares normalcy's OneClassSvm (libsvm through the addon) with scikit-learn's OneClassSVM.

Run after `npm run build`, from the repository root:  python3 bench/ocsvm_sklearn_check.py
Needs numpy and scikit-learn (Debian: apt-get install python3-sklearn); a one-off check,
not a dependency of normalcy. Exits 1 when any decision value differs by more than 1e-6.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.svm import OneClassSVM

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-6

NODE = """
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const { root, cases } = JSON.parse(readFileSync(0, 'utf8'));
const { OneClassSvm } = await import(pathToFileURL(root + '/dist/src/models/one-class-svm.js').href);
const out = cases.map((c) => {
  const m = new OneClassSvm().fit(Float64Array.from(c.train), c.rows, c.cols, { nu: c.nu, gamma: c.gamma });
  const d = m.decisionFunction(Float64Array.from(c.probe), c.probeRows);
  return { gamma: m.gamma, rho: m.rho, support: Array.from(m.supportIndices), decision: Array.from(d) };
});
process.stdout.write(JSON.stringify(out));
"""


def cases():
    rng = np.random.RandomState(0)
    blob = rng.randn(200, 2)
    mixed = np.vstack([rng.randn(150, 3) * [1.0, 2.0, 0.5], rng.uniform(-6, 6, (10, 3))])
    wide = rng.randn(120, 8) + 3.0
    probe2 = rng.uniform(-5, 5, (100, 2))
    probe3 = rng.uniform(-8, 8, (100, 3))
    probe8 = rng.randn(100, 8) * 2 + 3.0
    return [
        (blob, probe2, 0.1, "scale"),
        (blob, probe2, 0.5, "auto"),
        (blob, probe2, 0.05, 2.0),
        (mixed, probe3, 0.2, "scale"),
        (wide, probe8, 0.3, "scale"),
    ]


def main():
    specs = cases()
    payload = {
        "root": str(ROOT),
        "cases": [
            {
                "train": x.ravel().tolist(),
                "rows": x.shape[0],
                "cols": x.shape[1],
                "nu": nu,
                "gamma": gamma,
                "probe": np.vstack([x, p]).ravel().tolist(),
                "probeRows": x.shape[0] + p.shape[0],
            }
            for x, p, nu, gamma in specs
        ],
    }
    proc = subprocess.run(
        ["node", "--input-type=module", "-e", NODE],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        sys.exit(2)
    ours = json.loads(proc.stdout)
    worst = 0.0
    print(f"scikit-learn {sklearn.__version__} vs normalcy OneClassSvm")
    for (x, p, nu, gamma), o in zip(specs, ours):
        sk = OneClassSVM(kernel="rbf", nu=nu, gamma=gamma).fit(x)
        ref = sk.decision_function(np.vstack([x, p]))
        diff = float(np.max(np.abs(np.asarray(o["decision"]) - ref)))
        same_support = sorted(o["support"]) == sorted(sk.support_.tolist())
        gamma_diff = abs(o["gamma"] - sk._gamma)
        rho_diff = abs(o["rho"] - (-sk.intercept_[0]))
        worst = max(worst, diff)
        print(
            f"  n={x.shape[0]:3d} d={x.shape[1]} nu={nu:<4} gamma={gamma!s:<5}: "
            f"max |decision diff| = {diff:.2e} over train and probe rows, "
            f"|gamma diff| = {gamma_diff:.1e}, |rho diff| = {rho_diff:.1e}, "
            f"same support vectors: {same_support}"
        )
    ok = worst <= TOLERANCE
    print(f"worst difference {worst:.2e}: {'OK' if ok else 'MISMATCH'} (tolerance {TOLERANCE})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
