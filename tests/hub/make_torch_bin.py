"""Test data for the PyTorch pickle reader (core/model/torchpicklereader) and the hub pull of a
repository that has only pytorch_model.bin. Run with Debian's /usr/bin/python3 (python3-torch).

  make_torch_bin.py from-safetensors IN.safetensors OUT.bin
      OUT.bin: torch.save() of the tensors of IN as a state dict (an OrderedDict with _metadata, as
      module.state_dict() returns it and transformers saves pytorch_model.bin), plus the int64
      position_ids buffers that transformers' CLIPModel keeps in it (sized from config.json beside IN).
  make_torch_bin.py cases DIR
      DIR/*.bin: state dicts exercising the reader (dtypes, views, strides, one-entry dicts, nested
      checkpoints) plus hostile pickles; DIR/expected.json: each good file's tensors as
      {name: {"dtype", "shape", "values"}} (values flattened in row-major order).
"""
import collections
import json
import os
import struct
import sys

import torch

DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
          "BOOL": torch.bool}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = bytearray(data[8 + n:])
    tensors = collections.OrderedDict()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        flat = torch.frombuffer(body[begin:end], dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(info["shape"]).clone()
    return tensors


def with_position_ids(tensors, config_path):
    with open(config_path) as f:
        config = json.load(f)
    text, vision = config["text_config"], config["vision_config"]
    patches = (vision["image_size"] // vision["patch_size"]) ** 2 + 1
    out = collections.OrderedDict(tensors)
    out["text_model.embeddings.position_ids"] = torch.arange(text["max_position_embeddings"]).unsqueeze(0)
    out["vision_model.embeddings.position_ids"] = torch.arange(patches).unsqueeze(0)
    return out


def state_dict(tensors):
    # A real module's state dict: an OrderedDict carrying _metadata (pickled with BUILD).
    sd = collections.OrderedDict(tensors)
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    return sd


def describe(tensors):
    return {name: {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                   "values": t.reshape(-1).to(torch.float64).tolist()} for name, t in tensors.items()}


class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch " + self.marker,))


def cases(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    base = torch.arange(12, dtype=torch.float32)
    mixed = collections.OrderedDict([
        ("linear.weight", torch.randn(3, 4)),
        ("linear.bias", torch.randn(3)),
        ("half", torch.randn(2, 3).to(torch.float16)),
        ("bfloat", torch.randn(5).to(torch.bfloat16)),
        ("double", torch.randn(2, 2, dtype=torch.float64)),
        ("ids", torch.arange(7)),
        ("flags", torch.tensor([True, False, True])),
        ("view", base[3:9]),              # storage offset into a storage shared with "base"
        ("base", base),
        ("transposed", torch.randn(3, 5).t()),  # non-contiguous strides
        ("scalar", torch.tensor(2.5)),
        ("empty", torch.zeros(0, 4)),
    ])
    expected = {}
    torch.save(state_dict(mixed), os.path.join(out, "mixed.bin"))
    expected["mixed.bin"] = describe(mixed)
    single = collections.OrderedDict([("only.weight", torch.randn(2, 2))])
    torch.save(state_dict(single), os.path.join(out, "single.bin"))  # pickled with SETITEM
    expected["single.bin"] = describe(single)
    torch.save({"epoch": 3, "state_dict": state_dict(single)}, os.path.join(out, "checkpoint.bin"))
    expected["checkpoint.bin"] = describe(single)
    plain = {"a": torch.ones(2), "b": torch.zeros(3, dtype=torch.float16)}
    torch.save(plain, os.path.join(out, "plaindict.bin"))
    expected["plaindict.bin"] = describe(plain)
    torch.save({"a": Evil(os.path.join(out, "PWNED"))}, os.path.join(out, "evil.bin"))
    torch.save({"weight": torch.ones(2), "note": "text"}, os.path.join(out, "nontensor.bin"))
    torch.save(torch.nn.Linear(2, 2), os.path.join(out, "module.bin"))
    with open(os.path.join(out, "mixed.bin"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "truncated.bin"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "from-safetensors":
        config = os.path.join(os.path.dirname(os.path.abspath(sys.argv[2])), "config.json")
        torch.save(state_dict(with_position_ids(read_safetensors(sys.argv[2]), config)), sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "cases":
        cases(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
