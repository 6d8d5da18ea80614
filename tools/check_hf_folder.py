"""Reads an HF model folder that mubench wrote (config.json + model.safetensors, or a sharded index) with a
safetensors reader written here from the format's specification, runs the reference Llama of make_fixtures.py on
it, and prints log P(continuation | context) for token ids, as JSON. Compare with
`mubench score --model DIR --context-ids ... --continuation-ids ... --json`: the two read the folder independently.

Usage: /usr/bin/python3 tools/check_hf_folder.py DIR 1,2,3 4,5,6   (needs python3-torch, python3-numpy)
"""
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import forward  # noqa: E402  (the reference model the fixtures come from)

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        start, end = t["data_offsets"]
        raw = data[base + start:base + end]
        if t["dtype"] == "BF16":
            u16 = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
            arr = u16.view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=DTYPES[t["dtype"]]).astype(np.float32)
        out[name] = torch.from_numpy(arr.reshape(t["shape"]).copy())
    return out


def load(folder):
    cfg = json.load(open(os.path.join(folder, "config.json")))
    cfg.setdefault("head_dim", cfg["hidden_size"] // cfg["num_attention_heads"])
    cfg.setdefault("num_key_value_heads", cfg["num_attention_heads"])
    cfg.setdefault("rope_theta", 10000.0)
    cfg.setdefault("rope_scaling", None)
    cfg.setdefault("tie_word_embeddings", False)
    index = os.path.join(folder, "model.safetensors.index.json")
    params = {}
    if os.path.exists(index):
        for shard in sorted(set(json.load(open(index))["weight_map"].values())):
            params.update(read_safetensors(os.path.join(folder, shard)))
    else:
        params = read_safetensors(os.path.join(folder, "model.safetensors"))
    return cfg, params


def main():
    folder, context, continuation = sys.argv[1], sys.argv[2], sys.argv[3]
    ctx = [int(x) for x in context.split(",")]
    cont = [int(x) for x in continuation.split(",")]
    cfg, params = load(folder)
    ids = torch.tensor([ctx + cont])
    with torch.no_grad():
        logp = forward(params, cfg, ids, torch.ones_like(ids, dtype=torch.bool)).log_softmax(-1)[0]
    total = sum(logp[len(ctx) - 1 + i, t].item() for i, t in enumerate(cont))
    print(json.dumps({"logprob": total, "tensors": len(params)}))


if __name__ == "__main__":
    main()
