#!/usr/bin/env python3
"""PyTorch peer for mubench's benchmark harnesses: the same work on the same config, measured the same way.

  train    full training steps (forward, backward, AdamW update) of the 56M Llama, B 4, T 128
  generate batched greedy generation with a KV cache (B 16, 128 new tokens) and batch-1 decode (ms/token)

Prints one JSON line per measurement, like the Java harnesses. Uses the reference model of make_fixtures.py for
training and a KV-cache variant of it for generation. Run with Debian's python3-torch:
  /usr/bin/python3 tools/peer_pytorch.py train 20
"""
import json
import math
import resource
import sys
import time

import torch

sys.path.insert(0, __import__("os").path.dirname(__file__))
from make_fixtures import forward, init_params, mean_nll, inv_frequencies, rms_norm, rotate_half  # noqa: E402

CFG = dict(model_type="llama", vocab_size=32000, hidden_size=512, intermediate_size=1408, num_hidden_layers=8,
           num_attention_heads=8, num_key_value_heads=4, head_dim=64, rms_norm_eps=1e-5, rope_theta=10000.0,
           rope_scaling=None, max_position_embeddings=2048, tie_word_embeddings=False)


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def params(seed=0):
    g = torch.Generator().manual_seed(seed)
    p = init_params(CFG, g)
    return {k: (v * 0.1) for k, v in p.items()}  # 0.02-ish scale, like the Java harness


def train(steps, batch=4, T=128):
    p = {k: v.clone().requires_grad_(True) for k, v in params().items()}
    g = torch.Generator().manual_seed(0)
    valid = torch.ones(batch, T, dtype=torch.bool)
    opt = torch.optim.AdamW(list(p.values()), lr=1e-3)  # PyTorch's defaults otherwise, as mubench's AdamW.lr
    for step in range(steps):
        ids = torch.randint(0, CFG["vocab_size"], (batch, T), generator=g)
        labels = torch.full((batch, T), -100)
        labels[:, :-1] = ids[:, 1:]
        t0 = time.perf_counter()
        loss = mean_nll(forward(p, CFG, ids, valid), labels)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)  # frees the gradients, as mubench's harness closes them
        print(json.dumps(dict(event="step", step=step, seconds=round(time.perf_counter() - t0, 3),
                              rss_mib=round(rss_mib()), peak_rss_mib=round(peak_mib()))), flush=True)


@torch.no_grad()
def decode_step(p, ids, cache, pos):
    """One forward over new tokens `ids` [B, t] at positions pos..pos+t-1, appending to `cache`."""
    B, t = ids.shape
    H, KV, hd = CFG["num_attention_heads"], CFG["num_key_value_heads"], CFG["head_dim"]
    positions = torch.arange(pos, pos + t)
    ang = positions[:, None].float() * inv_frequencies(CFG)[None, :]
    emb = torch.cat([ang, ang], -1)
    cos, sin = emb.cos(), emb.sin()
    x = p["model.embed_tokens.weight"][ids]
    S = pos + t
    mask = torch.zeros(t, S)
    mask[:, pos:] = torch.triu(torch.full((t, t), float("-inf")), 1)
    for l in range(CFG["num_hidden_layers"]):
        pre = f"model.layers.{l}."
        h = rms_norm(x, p[pre + "input_layernorm.weight"], CFG["rms_norm_eps"])
        q = (h @ p[pre + "self_attn.q_proj.weight"].T).view(B, t, H, hd).transpose(1, 2)
        k = (h @ p[pre + "self_attn.k_proj.weight"].T).view(B, t, KV, hd).transpose(1, 2)
        v = (h @ p[pre + "self_attn.v_proj.weight"].T).view(B, t, KV, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        kc, vc = cache[l]
        kc[:, :, pos:S] = k
        vc[:, :, pos:S] = v
        K = kc[:, :, :S].repeat_interleave(H // KV, 1)
        V = vc[:, :, :S].repeat_interleave(H // KV, 1)
        att = ((q @ K.transpose(-1, -2)) / math.sqrt(hd) + mask).softmax(-1)
        x = x + (att @ V).transpose(1, 2).reshape(B, t, H * hd) @ p[pre + "self_attn.o_proj.weight"].T
        h = rms_norm(x, p[pre + "post_attention_layernorm.weight"], CFG["rms_norm_eps"])
        x = x + (torch.nn.functional.silu(h @ p[pre + "mlp.gate_proj.weight"].T) * (h @ p[pre + "mlp.up_proj.weight"].T)) \
            @ p[pre + "mlp.down_proj.weight"].T
    x = rms_norm(x[:, -1], p["model.norm.weight"], CFG["rms_norm_eps"])
    return x @ p["lm_head.weight"].T


def greedy(p, batch, prompt_len, new_tokens):
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(3, CFG["vocab_size"], (batch, prompt_len), generator=g)
    cap = prompt_len + new_tokens
    cache = [(torch.zeros(batch, CFG["num_key_value_heads"], cap, CFG["head_dim"]),
              torch.zeros(batch, CFG["num_key_value_heads"], cap, CFG["head_dim"])) for _ in range(CFG["num_hidden_layers"])]
    t0 = time.perf_counter()
    logits = decode_step(p, ids, cache, 0)
    t1 = time.perf_counter()
    for i in range(new_tokens - 1):
        nxt = logits.argmax(-1, keepdim=True)
        logits = decode_step(p, nxt, cache, prompt_len + i)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def generate(repeats=3):
    p = params()
    for r in range(repeats):
        pre, dec = greedy(p, 16, 16, 128)
        print(json.dumps(dict(event="generate", batch=16, new_tokens=128, prefill_s=round(pre, 3),
                              decode_s=round(dec, 3), tokens_per_s=round(16 * 127 / dec, 1))), flush=True)
        pre, dec = greedy(p, 1, 16, 128)
        print(json.dumps(dict(event="decode", batch=1, ms_per_token=round(1000 * dec / 127, 2))), flush=True)


if __name__ == "__main__":
    # Debian's torch starts with one thread here; ND4J uses both cores, so give PyTorch both too.
    torch.set_num_threads(int(__import__("os").environ.get("PEER_THREADS", "2")))
    torch.manual_seed(0)
    print(json.dumps(dict(event="peer", torch=torch.__version__, threads=torch.get_num_threads())), flush=True)
    if sys.argv[1] == "train":
        train(int(sys.argv[2]) if len(sys.argv) > 2 else 20)
    else:
        generate()
