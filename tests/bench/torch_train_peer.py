#!/usr/bin/python3
"""Peer for bench_train (and `cosmoclip bench train --peer`): one CLIP fine-tuning step in PyTorch eager.

Image tower: torchvision's vit_b_32 (CLIP ViT-B/32's image transformer: 12 layers, width 768,
50 tokens) with its classification head replaced by a 768 -> 512 projection.
Text tower: CLIP's size (12 layers, width 512, 8 heads, causal mask, vocabulary 49408) from
torch.nn.TransformerEncoder, pooled at the end token, 512 -> 512 projection; captions of `tokens`
tokens (open_clip always runs the full 77).
Step: both towers, CLIP's symmetric InfoNCE with a learnable logit scale, backward, gradient clipping
to norm 1, AdamW (betas 0.9/0.98, eps 1e-6, weight decay 0.2), float32, random weights.
Usage: torch_train_peer.py BATCH STEPS THREADS TOKENS
Prints one JSON object: {"samples_per_second", "seconds_per_step", "optimizer_seconds_per_step",
"cpu_seconds_per_step", "threads", "tokens"}.
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


class TextTower(torch.nn.Module):
    def __init__(self, tokens):
        super().__init__()
        self.embed = torch.nn.Embedding(49408, 512)
        self.positions = torch.nn.Parameter(torch.randn(tokens, 512) * 0.01)
        layer = torch.nn.TransformerEncoderLayer(512, 8, 2048, dropout=0.0, activation="gelu",
                                                 batch_first=True, norm_first=True)
        self.encoder = torch.nn.TransformerEncoder(layer, 12, enable_nested_tensor=False)
        self.ln_final = torch.nn.LayerNorm(512)
        self.projection = torch.nn.Linear(512, 512, bias=False)
        self.register_buffer("mask", torch.full((tokens, tokens), float("-inf")).triu(1))

    def forward(self, ids):
        x = self.ln_final(self.encoder(self.embed(ids) + self.positions, mask=self.mask))
        return self.projection(x[torch.arange(ids.shape[0]), ids.argmax(-1)])


class Clip(torch.nn.Module):
    def __init__(self, tokens):
        super().__init__()
        import torchvision
        self.visual = torchvision.models.vit_b_32(weights=None)
        self.visual.heads = torch.nn.Linear(768, 512, bias=False)
        self.text = TextTower(tokens)
        self.logit_scale = torch.nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def forward(self, images, ids):
        i = F.normalize(self.visual(images), dim=-1)
        t = F.normalize(self.text(ids), dim=-1)
        logits = self.logit_scale.exp() * i @ t.t()
        labels = torch.arange(images.shape[0])
        return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


def main():
    batch, steps, threads, tokens = (int(a) for a in sys.argv[1:5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Clip(tokens).train()
    decays = lambda n, p: p.ndim >= 2 and "pos" not in n and "class_token" not in n  # open_clip's rule
    decay = [p for n, p in model.named_parameters() if decays(n, p)]
    rest = [p for n, p in model.named_parameters() if not decays(n, p)]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.2}, {"params": rest, "weight_decay": 0.0}],
                                  lr=1e-5, betas=(0.9, 0.98), eps=1e-6)
    images = torch.randn(batch, 3, 224, 224)
    ids = torch.randint(1, 49406, (batch, tokens))
    ids[:, 0] = 49406
    ids[:, -1] = 49407

    def step():
        loss = model(images, ids)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        before = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        return time.perf_counter() - before

    step()  # warm-up: the first creates AdamW's state, the second runs with it (as bench_train's side)
    step()
    start, cpu_start = time.perf_counter(), time.process_time()
    optimizer_seconds = sum(step() for _ in range(steps)) / steps
    seconds = (time.perf_counter() - start) / steps
    cpu_seconds = (time.process_time() - cpu_start) / steps
    print(json.dumps({"samples_per_second": batch / seconds, "seconds_per_step": seconds,
                      "optimizer_seconds_per_step": optimizer_seconds, "cpu_seconds_per_step": cpu_seconds,
                      "threads": torch.get_num_threads(), "tokens": tokens}))


if __name__ == "__main__":
    main()
