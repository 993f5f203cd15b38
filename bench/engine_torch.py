"""PyTorch reference for bench/engine.ts: the same four trainings, same sizes,
same optimizer, same thread count; prints one JSON line of median epoch times."""
import argparse, json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--threads", type=int, default=0)
p.add_argument("--quick", action="store_true")
p.add_argument("--only", default="lstm,gru,dense,conv2d")
a = p.parse_args()
if a.threads > 0:
    torch.set_num_threads(a.threads)
scale = 0.1 if a.quick else 1.0
BATCH = 256


class Recurrent(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.rnn = (nn.LSTM if kind == "lstm" else nn.GRU)(1, 64, batch_first=True)
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        _, h = self.rnn(x)
        h = h[0] if isinstance(h, tuple) else h
        return self.head(h.squeeze(0))


def dense():
    return nn.Sequential(nn.Linear(100, 64), nn.ReLU(), nn.Linear(64, 16), nn.ReLU(),
                         nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 100))


def conv():
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Upsample(scale_factor=2), nn.Conv2d(64, 32, 3, padding=1), nn.ReLU(),
        nn.Upsample(scale_factor=2), nn.Conv2d(32, 3, 3, padding=1), nn.Sigmoid())


def case(name):
    torch.manual_seed(0)
    if name in ("lstm", "gru"):
        n = round(20000 * scale)
        x, y = torch.randn(n, 100, 1), torch.randn(n, 10)
        model = Recurrent(name)
    elif name == "dense":
        n = round(20000 * scale)
        x = torch.rand(n, 100); y = x
        model = dense()
    else:
        n = round(10000 * scale)
        x = torch.rand(n, 3, 32, 32); y = x
        model = conv()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    times = []
    # a dense epoch takes ~60 ms: 10x the epochs for a stable median (as the TS side)
    for e in range(a.epochs * 10 if name == "dense" else a.epochs):
        t0 = time.perf_counter()
        order = torch.randperm(n)
        for i in range(0, n, BATCH):
            idx = order[i:i + BATCH]
            xb, yb = x.index_select(0, idx), y.index_select(0, idx)
            opt.zero_grad()
            loss = F.mse_loss(model(xb), yb)
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
        print(f"  torch {name} epoch {e + 1}: {times[-1]:.2f} s, last loss {loss.item():.4f}", file=sys.stderr)
    return sorted(times)[len(times) // 2]


out = {}
for name in a.only.split(","):
    out[name] = case(name)
    print(f"PyTorch {name}: median epoch {out[name]:.3f} s", file=sys.stderr)
print(json.dumps(out))
