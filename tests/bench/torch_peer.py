#!/usr/bin/python3
"""Peer for `cosmoclip bench embed|text --peer`: PyTorch eager on the same BLAS and thread count.

usage: torch_peer.py embed|text BATCH SECONDS THREADS [TOKENS] [fp32|bf16|int8]

image: torchvision's vit_b_32 (the same transformer as CLIP ViT-B/32's image tower: 12 layers,
width 768, 50 tokens; 8.8 GFLOP per image), random weights, inference mode.
text:  a CLIP-sized text transformer (12 layers, width 512, 8 heads, causal) built from
torch.nn.TransformerEncoder, at the given token count.
fp32 (default); bf16 (the model and input in bfloat16: PyTorch's oneDNN bf16 GEMMs); int8 (float32
model with its nn.Linear layers dynamically quantised, torch.ao.quantization.quantize_dynamic on the
oneDNN/FBGEMM engine: PyTorch's own int8 CPU inference).
Prints one JSON object: {"items_per_second": ..., "items_per_cpu_second": ..., "threads": ...,
"openblas_threads": ..., ...} (per CPU second: this process's CPU time, which leaves out the time
the OS gave to other processes on a shared machine).

torch.set_num_threads() sets OpenMP's thread count but not OpenBLAS's pthread pool, which sizes itself
from OPENBLAS_NUM_THREADS (else the core count) when the library loads: the script re-executes itself
with OPENBLAS_NUM_THREADS and OMP_NUM_THREADS = THREADS unless they already say so, before importing
torch, so that the peer's GEMMs use as many cores as ours.
"""
import json
import os
import sys
import time


def pin_blas_threads(threads):
    wanted = str(threads)
    if os.environ.get("OPENBLAS_NUM_THREADS") == wanted and os.environ.get("OMP_NUM_THREADS") == wanted:
        return
    env = dict(os.environ, OPENBLAS_NUM_THREADS=wanted, OMP_NUM_THREADS=wanted)
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def openblas_threads():
    """The thread count of the OpenBLAS that torch loaded (None where it is another BLAS)."""
    import ctypes
    try:
        return ctypes.CDLL("libopenblas.so.0").openblas_get_num_threads()
    except (OSError, AttributeError):
        return None


def vit_b_32():
    import torchvision
    return torchvision.models.vit_b_32(weights=None).eval()


def clip_text(torch, tokens, dtype, quantize):
    layer = torch.nn.TransformerEncoderLayer(512, 8, 2048, dropout=0.0, activation="gelu",
                                             batch_first=True, norm_first=True)
    encoder = quantize(torch.nn.TransformerEncoder(layer, 12, enable_nested_tensor=False).eval().to(dtype))
    embed = torch.nn.Embedding(49408, 512).to(dtype)
    mask = torch.full((tokens, tokens), float("-inf")).triu(1).to(dtype)

    def run(ids):
        return encoder(embed(ids), mask=mask)
    return run


def rate(step, batch, seconds):
    """Items per second of wall-clock time and per second of this process's CPU time."""
    step()
    n, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        step()
        n += 1
    return n * batch / (time.perf_counter() - start), n * batch / (time.process_time() - cpu_start)


def main():
    kind, batch, seconds, threads = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    tokens = int(sys.argv[5]) if len(sys.argv) > 5 else 16
    precision = sys.argv[6] if len(sys.argv) > 6 else "fp32"
    pin_blas_threads(threads)
    import torch
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16, "int8": torch.float32}[precision]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    quantize = (lambda m: m)
    if precision == "int8":
        engines = torch.backends.quantized.supported_engines
        torch.backends.quantized.engine = next(e for e in ("fbgemm", "x86", "onednn") if e in engines)
        quantize = (lambda m: torch.ao.quantization.quantize_dynamic(m, {torch.nn.Linear}, dtype=torch.qint8))
    with torch.inference_mode():
        if kind == "embed":
            model, x = quantize(vit_b_32().to(dtype)), torch.randn(batch, 3, 224, 224).to(dtype)
            per_second, per_cpu_second = rate(lambda: model(x), batch, seconds)
        else:
            model, ids = clip_text(torch, tokens, dtype, quantize), torch.randint(1, 49405, (batch, tokens))
            per_second, per_cpu_second = rate(lambda: model(ids), batch, seconds)
    print(json.dumps({"items_per_second": per_second, "items_per_cpu_second": per_cpu_second,
                      "threads": torch.get_num_threads(),
                      "openblas_threads": openblas_threads(),
                      "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
                      "precision": precision, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
