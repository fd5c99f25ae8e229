#!/usr/bin/env python3
"""A small PyTorch MLP meant to share a GPU with other trials (tune's trialsPerGPU).

Each trial sees one GPU (tune sets CUDA_VISIBLE_DEVICES) and uses it when CUDA is available,
else the CPU, so the example runs anywhere. The data is made here (a synthetic classification
task), so it runs offline. It prints `val_accuracy=…` each epoch, which tune reads from stdout.

    pip install torch
    tune python3 train.py --config tuning.yml

A trial that runs out of GPU memory (`torch.OutOfMemoryError: CUDA out of memory …`) fails with
that line last on stderr, and tune runs it again (maxTrialRetries) on a GPU with fewer trials.
"""
import argparse
import os

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-2)
parser.add_argument("--hidden", type=int, default=64)
parser.add_argument("--batch_size", type=int, default=64)
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(f"device={device} CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', '')}", flush=True)

torch.manual_seed(0)
x = torch.randn(3000, 20)
y = ((x[:, 0] * x[:, 1] + x[:, 2] - 0.5 * x[:, 3]) > 0).long()
x, y = x.to(device), y.to(device)
train_x, val_x, train_y, val_y = x[:2400], x[2400:], y[:2400], y[2400:]

model = nn.Sequential(nn.Linear(20, args.hidden), nn.ReLU(), nn.Linear(args.hidden, args.hidden), nn.ReLU(), nn.Linear(args.hidden, 2)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(1, args.epochs + 1):
    model.train()
    order = torch.randperm(len(train_x), device=device)
    for start in range(0, len(train_x), args.batch_size):
        batch = order[start:start + args.batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(train_x[batch]), train_y[batch])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(val_x).argmax(dim=1) == val_y).float().mean().item()
    print(f"epoch={epoch} val_accuracy={accuracy:.4f} loss={loss.item():.4f}", flush=True)
