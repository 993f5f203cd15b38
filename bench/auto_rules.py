"""Compares combination rules for `auto` offline, on the component scores written by
bench/auto-components.ts for one half of the series harness (choose on half A only).

Each rule turns the members' scores into one score per test step, using only data the
detector sees before the test part (the held-out normal 30% of the training part, the
synthetic-anomaly results); labels are used for scoring only. Prints mean AUC-PR (average
precision, ties grouped as src/metrics/pr.ts) and top-1 hit (tolerance 100) per rule, and a
leave-one-series-out estimate of choosing the best rule by mean AUC-PR.
Usage: python3 bench/auto_rules.py /tmp/auto-dev [--half A]
"""
import glob
import json
import sys

import numpy as np


def average_precision(s, y):
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    P = y.sum()
    # group ties: last index of each distinct score
    distinct = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tp = np.cumsum(y)[distinct]
    fp = (distinct + 1) - tp
    dp = np.diff(np.r_[0, tp])
    prec = tp / (tp + fp)
    return float(np.sum(dp / P * prec))


def top1(s, y, tol=100):
    t = int(np.argmax(s))
    return float(y[max(0, t - tol): t + tol + 1].any())


def load(folder, half):
    out = []
    for f in sorted(glob.glob(f"{folder}/*.json")):
        d = json.load(open(f))
        if half != "both" and d["half"] != half:
            continue
        y = np.zeros(d["length"], dtype=np.int8)
        y[d["labels"]] = 1
        d["y"] = y
        for m in d["members"].values():
            for k in ("held", "testPart", "test"):
                m[k] = np.nan_to_num(np.asarray(m[k], dtype=np.float64))
            syn = m["synthetic"]
            m["rank"] = np.mean([(x["aucPr"] + x["top1"]) / 2 for x in syn])
        out.append(d)
    return out


def norm(kind, s, h):
    if kind == "none":
        return s
    if kind == "median":
        return s / (np.median(h) or 1)
    if kind == "z":
        return (s - h.mean()) / (h.std() or 1)
    if kind == "robust":
        med = np.median(h)
        spread = np.quantile(h, 0.99) - med
        return (s - med) / (spread or 1)
    if kind == "iqr":
        med = np.median(h)
        spread = np.quantile(h, 0.75) - np.quantile(h, 0.25)
        return (s - med) / (spread or 1)
    if kind == "max":
        return s / (h.max() or 1)
    if kind == "testrank":
        r = np.empty(len(s))
        r[np.argsort(s, kind="stable")] = np.arange(len(s))
        return r / len(s)
    raise ValueError(kind)


def find(d, prefix):
    """The member whose label starts with prefix (first match)."""
    for k, m in d["members"].items():
        if k.startswith(prefix):
            return m
    return None


def P(d):
    return d["period"]


def fixed(prefixes, how="z", comb="mean", which="test"):
    def rule(d):
        parts = []
        for p in prefixes:
            m = find(d, p(d) if callable(p) else p)
            if m is None:
                continue
            parts.append(norm(how, m[which], m["held"]))
        a = np.vstack(parts)
        return a.mean(0) if comb == "mean" else a.max(0)

    return rule


def by_synthetic(k, how="z", which="test", families=None):
    def rule(d):
        ms = [m for m in d["members"].values() if "window" in m["config"] or m["detector"] == "rolling-zscore"]
        if families:
            ms = [m for m in ms if m["detector"] in families]
        ms.sort(key=lambda m: -m["rank"])
        chosen, seen = [], set()
        for m in ms:
            if m["detector"] in seen:
                continue
            seen.add(m["detector"])
            chosen.append(m)
            if len(chosen) == k:
                break
        return np.vstack([norm(how, m[which], m["held"]) for m in chosen]).mean(0)

    return rule


def disc(index):
    """Auto's discord configurations in candidateConfigs order: 0 window p, 1 p znorm, 2 p/2, 3 2p."""
    def name(d):
        ks = [k for k, m in d["members"].items() if m["detector"] == "discord" and m["config"]]
        return ks[index]
    return name


def rules():
    r = {}
    for which in ("test", "testPart"):
        tag = "" if which == "test" else " [part]"
        r["discord default" + tag] = fixed(["discord()"], "none", which=which)
        r["pca default" + tag] = fixed(["pca()"], "none", which=which)
        r["discord p" + tag] = fixed([disc(0)], "none", which=which)
        for how in ("none", "median", "z", "robust", "iqr", "max", "testrank"):
            for comb in ("mean", "max"):
                r[f"discord+pca {how} {comb}{tag}"] = fixed(["discord()", "pca()"], how, comb, which)
                r[f"discord p+pca p {how} {comb}{tag}"] = fixed([disc(0), "pca(window"], how, comb, which)
                r[f"discord+zdiscord {how} {comb}{tag}"] = fixed([disc(0), disc(1)], how, comb, which)
                r[f"discord+zdiscord+pca {how} {comb}{tag}"] = fixed(
                    [disc(0), disc(1), "pca()"], how, comb, which)
                r[f"discord multi-w {how} {comb}{tag}"] = fixed(
                    [disc(0), disc(2), disc(3)], how, comb, which)
                r[f"discord+pca+knn {how} {comb}{tag}"] = fixed(["discord()", "pca()", "knn("], how, comb, which)
                r[f"discord+pca+ae {how} {comb}{tag}"] = fixed(["discord()", "pca()", "autoencoder("], how, comb, which)
                r[f"discord+pca+fc {how} {comb}{tag}"] = fixed(["discord()", "pca()", "forecaster("], how, comb, which)
        for k in (1, 2, 3):
            for how in ("z", "robust", "median"):
                r[f"synthetic top{k} {how}{tag}"] = by_synthetic(k, how, which)
                r[f"synthetic top{k} {how} (discord/pca){tag}"] = by_synthetic(k, how, which, {"discord", "pca"})
    return r


def main():
    folder = sys.argv[1]
    half = sys.argv[sys.argv.index("--half") + 1] if "--half" in sys.argv else "A"
    data = load(folder, half)
    names = [d["name"] for d in data]
    table = {}
    for name, rule in rules().items():
        try:
            res = [(average_precision(rule(d), d["y"]), top1(rule(d), d["y"])) for d in data]
        except Exception as e:  # a member missing on some series
            print(f"# {name}: {e}", file=sys.stderr)
            continue
        table[name] = np.array(res)
    ranked = sorted(table.items(), key=lambda kv: -kv[1][:, 0].mean())
    print(f"{len(data)} series of half {half}: {', '.join(names)}")
    show = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 40
    for name, res in ranked[:show]:
        per = " ".join(f"{a:.2f}" for a in res[:, 0])
        print(f"{res[:, 0].mean():.3f} {res[:, 1].mean():.2f}  {name:45s} {per}")
    for base in ("discord default", "pca default"):
        res = table[base]
        print(f"{res[:, 0].mean():.3f} {res[:, 1].mean():.2f}  {base} (reference)")
    # Leave one series out: pick the best rule on the others, score it on the one left out.
    loo = []
    for i in range(len(data)):
        best = max(table, key=lambda n: np.delete(table[n][:, 0], i).mean())
        loo.append((table[best][i, 0], table[best][i, 1], best))
    print(f"leave-one-out choice of rule: AUC-PR {np.mean([x[0] for x in loo]):.3f} "
          f"top-1 {np.mean([x[1] for x in loo]):.2f}; picks {sorted(set(x[2] for x in loo))}")


if __name__ == "__main__":
    main()
