"""PyTorch reference for bench/inference.ts: the same four networks (the default
LSTM forecaster, a GRU forecaster, dense autoencoder and conv1d autoencoder), scored under
torch.no_grad with the same threads and batch; prints one JSON line of windows
per second and CPU milliseconds per 1,024 windows (process time), medians. With --onnx DIR it also exports each network to DIR/<name>.onnx
(for onnxruntime) before timing."""
import argparse, json, os, sys, time
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1)
p.add_argument("--batch", type=int, default=1024)
p.add_argument("--windows", type=int, default=20000)
p.add_argument("--repeats", type=int, default=3)
p.add_argument("--onnx", default="")
p.add_argument("--only", default="", help="comma-separated network names (default all)")
a = p.parse_args()
torch.set_num_threads(a.threads)


class LstmForecaster(nn.Module):
    # src/models/forecast-networks.ts, defaults: window 50, LSTM 64, horizon 1, 1 channel
    def __init__(self, rnn=nn.LSTM):
        super().__init__()
        self.rnn = rnn(1, 64, batch_first=True)
        self.head = nn.Linear(64, 1)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1, :]).reshape(x.shape[0], 1, 1)


class DenseAutoencoder(nn.Module):
    # window 48, hidden [64, 32], bottleneck 8, leaky ReLU 0.01
    def __init__(self):
        super().__init__()
        widths, layers, w = [64, 32, 8, 32, 64], [], 48
        for h in widths:
            layers += [nn.Linear(w, h), nn.LeakyReLU(0.01)]
            w = h
        layers.append(nn.Linear(w, 48))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x.reshape(x.shape[0], -1)).reshape(x.shape[0], 48, 1)


class ConvAutoencoder(nn.Module):
    # window 48, hidden [16, 32], bottleneck 8, kernel 5
    def __init__(self):
        super().__init__()
        k, pad = 5, 2
        self.net = nn.Sequential(
            nn.Conv1d(1, 16, k, padding=pad), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(16, 32, k, padding=pad), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(32, 8, k, padding=pad), nn.ReLU(),
            nn.Upsample(scale_factor=2), nn.Conv1d(8, 32, k, padding=pad), nn.ReLU(),
            nn.Upsample(scale_factor=2), nn.Conv1d(32, 16, k, padding=pad), nn.ReLU(),
            nn.Conv1d(16, 1, k, padding=pad))

    def forward(self, x):
        return self.net(x.transpose(1, 2)).transpose(1, 2)


NETWORKS = {"lstm-forecaster": (LstmForecaster, 50), "gru-forecaster": (lambda: LstmForecaster(nn.GRU), 50),
            "dense-autoencoder": (DenseAutoencoder, 48),
            "conv-autoencoder": (ConvAutoencoder, 48)}

out = {}
for name, (make, window) in NETWORKS.items():
    if a.only and name not in a.only.split(","):
        continue
    torch.manual_seed(0)
    model = make().eval()
    x = torch.randn(a.windows, window, 1)
    if a.onnx:
        os.makedirs(a.onnx, exist_ok=True)
        torch.onnx.export(model, x[: a.batch], os.path.join(a.onnx, f"{name}.onnx"),
                          input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=13)
    rates, cpu = [], []
    with torch.no_grad():
        model(x[: a.batch])  # warm-up
        for _ in range(a.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(0, a.windows, a.batch):
                model(x[i:i + a.batch])
            rates.append(a.windows / (time.perf_counter() - t0))
            cpu.append((time.process_time() - c0) * 1000 * 1024 / a.windows)
    out[name] = {"perSecond": sorted(rates)[len(rates) // 2], "cpuMs": sorted(cpu)[len(cpu) // 2]}
    print(f"PyTorch {name}: {out[name]['perSecond']:.0f} windows/s, {out[name]['cpuMs']:.2f} ms CPU per 1,024 windows",
          file=sys.stderr)
print(json.dumps(out))
