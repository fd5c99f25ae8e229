#!/usr/bin/env python3
"""A PyTorch script that reports through torch.utils.tensorboard.SummaryWriter.

It logs `val/accuracy` and `train/loss` each epoch into $TUNE_TRIAL_DIR, where tune reads the
event files while the trial runs. The data is made here, so it runs offline (CPU is enough).

    pip install torch tensorboard
    tune python3 train.py --config tuning.yml
"""
import argparse
import os

import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-2)
parser.add_argument("--hidden", type=int, default=32)
parser.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
parser.add_argument("--batch_size", type=int, default=64)
parser.add_argument("--epochs", type=int, default=8)
args = parser.parse_args()

torch.manual_seed(0)
x = torch.randn(2000, 10)
y = ((x[:, 0] * x[:, 1] + 0.5 * x[:, 2]) > 0).long()
train_x, val_x, train_y, val_y = x[:1500], x[1500:], y[:1500], y[1500:]

model = nn.Sequential(nn.Linear(10, args.hidden), nn.ReLU(), nn.Linear(args.hidden, args.hidden), nn.ReLU(), nn.Linear(args.hidden, 2))
optimizer = (torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9) if args.optimizer == "sgd"
             else torch.optim.Adam(model.parameters(), lr=args.lr))
loss_fn = nn.CrossEntropyLoss()
writer = SummaryWriter(log_dir=os.environ.get("TUNE_TRIAL_DIR", "runs"))

for epoch in range(1, args.epochs + 1):
    model.train()
    order = torch.randperm(len(train_x))
    for start in range(0, len(train_x), args.batch_size):
        batch = order[start:start + args.batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(train_x[batch]), train_y[batch])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(val_x).argmax(dim=1) == val_y).float().mean().item()
    writer.add_scalar("train/loss", loss.item(), epoch)
    writer.add_scalar("val/accuracy", accuracy, epoch)
    writer.flush()
writer.close()
torch.save(model.state_dict(), os.path.join(os.environ.get("TUNE_TRIAL_DIR", "."), "model.pt"))
