#!/usr/bin/python3
"""Peer for `cosmoclip bench embed|text --peer`: PyTorch eager on the same BLAS and thread count.

image: torchvision's vit_b_32 (the same transformer as CLIP ViT-B/32's image tower: 12 layers,
width 768, 50 tokens; 8.8 GFLOP per image), random weights, inference mode, float32.
text:  a CLIP-sized text transformer (12 layers, width 512, 8 heads, causal) built from
torch.nn.TransformerEncoder, at the given token count.
Prints one JSON object: {"items_per_second": ..., "threads": ...}.
"""
import json
import sys
import time

import torch


def vit_b_32():
    import torchvision
    return torchvision.models.vit_b_32(weights=None).eval()


def clip_text(tokens):
    layer = torch.nn.TransformerEncoderLayer(512, 8, 2048, dropout=0.0, activation="gelu",
                                             batch_first=True, norm_first=True)
    encoder = torch.nn.TransformerEncoder(layer, 12, enable_nested_tensor=False).eval()
    embed = torch.nn.Embedding(49408, 512)
    mask = torch.full((tokens, tokens), float("-inf")).triu(1)

    def run(ids):
        return encoder(embed(ids), mask=mask)
    return run


def rate(step, batch, seconds):
    step()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        n += 1
    return n * batch / (time.perf_counter() - start)


def main():
    kind, batch, seconds, threads = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    tokens = int(sys.argv[5]) if len(sys.argv) > 5 else 16
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    with torch.inference_mode():
        if kind == "embed":
            model, x = vit_b_32(), torch.randn(batch, 3, 224, 224)
            per_second = rate(lambda: model(x), batch, seconds)
        else:
            model, ids = clip_text(tokens), torch.randint(1, 49405, (batch, tokens))
            per_second = rate(lambda: model(ids), batch, seconds)
    print(json.dumps({"items_per_second": per_second, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
