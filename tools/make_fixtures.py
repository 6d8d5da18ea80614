#!/usr/bin/env python3
"""Writes the golden fixtures that mubench's Java tests compare against.

An independent reference: a Llama-family decoder written here from the HF architecture description (not imported
from transformers), run in float32 PyTorch. For each tiny random config it writes, under
mubench-tensor/src/test/resources/fixtures/<name>/:
  config.json, model.safetensors   -- the checkpoint (F32, or BF16/F16 to exercise upcasting)
  reference.safetensors            -- inputs and expected outputs: input_ids, valid, labels, logits,
                                      token_logprobs, loss, grad/<param> for every parameter,
                                      hidden/<layer> (residual stream after each layer), sgd_losses
and for the llama config also model.gguf (llama.cpp layout, q/k permuted to interleaved RoPE).

It also writes sampling/, schedules/, optim/ and stats/ (HF's sampling warpers, torch LR schedulers,
torch.optim.AdamW's steps, and statsmodels' intervals and tests), and tasks/ (MMLU and ARC requests formatted,
tokenized and scored independently on stories260K) for the tests of those parts.

Run from the repository root:  /usr/bin/python3 tools/make_fixtures.py [models|sampling|schedules|optim|stats|tasks ...]
Needs Debian's python3-torch and python3-numpy (and python3-statsmodels for stats). The outputs are committed;
tests need no Python.
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "mubench-tensor", "src", "test", "resources", "fixtures")

BASE = dict(vocab_size=96, hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, head_dim=8, rms_norm_eps=1e-6, rope_theta=10000.0, rope_scaling=None,
            max_position_embeddings=64, tie_word_embeddings=False, bos_token_id=1, eos_token_id=2,
            hidden_act="silu")

CONFIGS = {
    "llama": dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"]),
    "llama3_rope_scaling": dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"], rope_theta=500000.0,
                                tie_word_embeddings=True,
                                rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0,
                                                  high_freq_factor=4.0, original_max_position_embeddings=16),
                                eos_token_id=[2, 3]),
    "mistral": dict(BASE, model_type="mistral", architectures=["MistralForCausalLM"], num_key_value_heads=1,
                    sliding_window=4),
    "qwen2": dict(BASE, model_type="qwen2", architectures=["Qwen2ForCausalLM"], tie_word_embeddings=True,
                  rope_theta=1000000.0, use_sliding_window=False),
}
STORAGE = {"llama": "F32", "llama3_rope_scaling": "BF16", "mistral": "F16", "qwen2": "F32"}


# ---------------------------------------------------------------- the reference model

def inv_frequencies(cfg):
    hd = cfg["head_dim"]
    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    s = cfg.get("rope_scaling")
    if s and s["rope_type"] == "llama3":
        low_wl = s["original_max_position_embeddings"] / s["low_freq_factor"]
        high_wl = s["original_max_position_embeddings"] / s["high_freq_factor"]
        out = []
        for f in inv.tolist():
            wl = 2 * math.pi / f
            if wl > low_wl:
                out.append(f / s["factor"])
            elif wl >= high_wl:
                smooth = (s["original_max_position_embeddings"] / wl - s["low_freq_factor"]) / (
                    s["high_freq_factor"] - s["low_freq_factor"])
                out.append((1 - smooth) * f / s["factor"] + smooth * f)
            else:
                out.append(f)
        inv = torch.tensor(out, dtype=torch.float64)
    return inv.float()


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


def forward(p, cfg, ids, valid, hidden=None):
    """logits [B, T, V] for token ids [B, T]; valid [B, T] marks real tokens (left padding is False).
    Appends each layer's residual-stream output to `hidden` when given (HF's hidden_states[1:], pre-final-norm)."""
    B, T = ids.shape
    H, KV, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"]
    eps = cfg["rms_norm_eps"]
    pos = (valid.long().cumsum(-1) - 1).clamp(min=0)
    ang = pos[..., None].float() * inv_frequencies(cfg)[None, None, :]
    emb = torch.cat([ang, ang], dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]  # [B, 1, T, hd]
    i = torch.arange(T)
    allowed = (i[None, :] <= i[:, None])[None] & valid[:, None, :]  # [B, Tq, Tk]
    if cfg.get("sliding_window"):
        allowed = allowed & ((i[:, None] - i[None, :]) < cfg["sliding_window"])[None]
    bias = torch.zeros(B, 1, T, T).masked_fill(~allowed[:, None], torch.finfo(torch.float32).min)

    x = p["model.embed_tokens.weight"][ids]
    for l in range(cfg["num_hidden_layers"]):
        pre = f"model.layers.{l}."
        h = rms_norm(x, p[pre + "input_layernorm.weight"], eps)

        def proj(name):
            y = h @ p[pre + f"self_attn.{name}.weight"].T
            b = p.get(pre + f"self_attn.{name}.bias")
            return y if b is None else y + b

        q = proj("q_proj").view(B, T, H, hd).transpose(1, 2)
        k = proj("k_proj").view(B, T, KV, hd).transpose(1, 2)
        v = proj("v_proj").view(B, T, KV, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(H // KV, dim=1)
        v = v.repeat_interleave(H // KV, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + bias
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, H * hd)
        x = x + o @ p[pre + "self_attn.o_proj.weight"].T
        h = rms_norm(x, p[pre + "post_attention_layernorm.weight"], eps)
        g = h @ p[pre + "mlp.gate_proj.weight"].T
        u = h @ p[pre + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(g) * u) @ p[pre + "mlp.down_proj.weight"].T
        if hidden is not None:
            hidden.append(x)
    x = rms_norm(x, p["model.norm.weight"], eps)
    head = p["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else p["lm_head.weight"]
    return x @ head.T


def token_logprobs(logits, labels):
    """log p(labels[t] | ..) from logits[t]; labels already aligned (next-token), -100 masked to 0."""
    lp = logits.log_softmax(-1)
    safe = labels.clamp(min=0)
    return lp.gather(-1, safe[..., None])[..., 0] * (labels != -100)


def mean_nll(logits, labels):
    """HF causal-LM loss: mean cross-entropy over unmasked next-token labels."""
    tl = token_logprobs(logits, labels)
    return -tl.sum() / (labels != -100).sum()


# ---------------------------------------------------------------- parameters

def init_params(cfg, gen):
    d, f, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    q, kv = cfg["num_attention_heads"] * cfg["head_dim"], cfg["num_key_value_heads"] * cfg["head_dim"]

    def rnd(*shape, scale=0.2):
        return torch.randn(*shape, generator=gen) * scale

    p = {"model.embed_tokens.weight": rnd(V, d, scale=0.5)}
    for l in range(cfg["num_hidden_layers"]):
        pre = f"model.layers.{l}."
        p[pre + "input_layernorm.weight"] = 1 + rnd(d, scale=0.1)
        p[pre + "self_attn.q_proj.weight"] = rnd(q, d)
        p[pre + "self_attn.k_proj.weight"] = rnd(kv, d)
        p[pre + "self_attn.v_proj.weight"] = rnd(kv, d)
        if cfg["model_type"] == "qwen2":
            p[pre + "self_attn.q_proj.bias"] = rnd(q, scale=0.1)
            p[pre + "self_attn.k_proj.bias"] = rnd(kv, scale=0.1)
            p[pre + "self_attn.v_proj.bias"] = rnd(kv, scale=0.1)
        p[pre + "self_attn.o_proj.weight"] = rnd(d, q)
        p[pre + "post_attention_layernorm.weight"] = 1 + rnd(d, scale=0.1)
        p[pre + "mlp.gate_proj.weight"] = rnd(f, d)
        p[pre + "mlp.up_proj.weight"] = rnd(f, d)
        p[pre + "mlp.down_proj.weight"] = rnd(d, f)
    p["model.norm.weight"] = 1 + rnd(d, scale=0.1)
    if not cfg["tie_word_embeddings"]:
        p["lm_head.weight"] = rnd(V, d, scale=0.5)
    return p


def round_to_storage(p, dtype):
    """What the Java side will see after upcasting the stored dtype back to float32."""
    if dtype == "F32":
        return p
    t = torch.bfloat16 if dtype == "BF16" else torch.float16
    return {k: v.to(t).float() for k, v in p.items()}


# ---------------------------------------------------------------- file writers (safetensors, GGUF)

def write_safetensors(path, tensors, dtype="F32"):
    torch_dtype = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}[dtype]
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().to(torch_dtype)
        raw = t.view(torch.int16).numpy().tobytes() if dtype != "F32" else t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def gguf_permute(w, n_head):
    """HF rotate-half rows -> llama.cpp interleaved rows (what convert_hf_to_gguf does to q/k)."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def write_gguf(path, cfg, p):
    def s(x):
        b = x.encode()
        return struct.pack("<Q", len(b)) + b

    kv = [("general.architecture", 8, s("llama")), ("general.alignment", 4, struct.pack("<I", 32)),
          ("llama.embedding_length", 4, struct.pack("<I", cfg["hidden_size"])),
          ("llama.feed_forward_length", 4, struct.pack("<I", cfg["intermediate_size"])),
          ("llama.block_count", 4, struct.pack("<I", cfg["num_hidden_layers"])),
          ("llama.attention.head_count", 4, struct.pack("<I", cfg["num_attention_heads"])),
          ("llama.attention.head_count_kv", 4, struct.pack("<I", cfg["num_key_value_heads"])),
          ("llama.attention.layer_norm_rms_epsilon", 6, struct.pack("<f", cfg["rms_norm_eps"])),
          ("llama.rope.freq_base", 6, struct.pack("<f", cfg["rope_theta"])),
          ("llama.context_length", 4, struct.pack("<I", cfg["max_position_embeddings"])),
          ("tokenizer.ggml.bos_token_id", 4, struct.pack("<I", 1)),
          ("tokenizer.ggml.eos_token_id", 4, struct.pack("<I", 2))]
    names = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
             "lm_head.weight": "output.weight"}
    layer = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
             "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "post_attention_layernorm": "ffn_norm",
             "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
    tensors = []
    for name, t in p.items():
        a = t.numpy().astype("<f4")
        if name in names:
            g = names[name]
        else:
            parts = name.split(".")
            g = f"blk.{parts[2]}." + layer[".".join(parts[3:-1])] + "." + parts[-1]
            if parts[4] == "q_proj":
                a = gguf_permute(a, cfg["num_attention_heads"])
            elif parts[4] == "k_proj":
                a = gguf_permute(a, cfg["num_key_value_heads"])
        tensors.append((g, np.ascontiguousarray(a)))
    out = bytearray(b"GGUF" + struct.pack("<I", 3) + struct.pack("<Q", len(tensors)) + struct.pack("<Q", len(kv)))
    for k, typ, val in kv:
        out += s(k) + struct.pack("<I", typ) + val
    off = 0
    for g, a in tensors:
        out += s(g) + struct.pack("<I", a.ndim) + b"".join(struct.pack("<Q", d) for d in reversed(a.shape))
        out += struct.pack("<I", 0) + struct.pack("<Q", off)
        off += (a.nbytes + 31) // 32 * 32
    out += b"\0" * ((32 - len(out) % 32) % 32)
    for g, a in tensors:
        out += a.tobytes() + b"\0" * ((32 - a.nbytes % 32) % 32)
    with open(path, "wb") as f:
        f.write(out)


def adamw_losses(p, loss_of, trainable=None):
    """The loss before each of 3 torch.optim.AdamW steps (lr 1e-2, betas 0.9/0.999, eps 1e-8, weight decay 0.01)
    on the same batch; loss_of(params) computes the loss."""
    params = {k: v.clone().requires_grad_(True) for k, v in p.items()}
    opt = torch.optim.AdamW([params[k] for k in (trainable or params)], lr=1e-2, betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=0.01)
    traj = []
    for _ in range(3):
        opt.zero_grad()
        loss = loss_of(params)
        traj.append(loss.item())
        loss.backward()
        opt.step()
    return torch.tensor(traj)


# ---------------------------------------------------------------- unlearning losses (mu-methods.md)

def unlearning_losses(p, cfg, ids, valid, labels):
    """Row 0 of the batch is the forget example, row 1 the retain example. The reference model's summed response
    log-probs are the current model's minus 0.5 (a fixed, non-trivial reference). Writes, per method, the loss and
    the gradient of every parameter: unlearn/<method>/loss and unlearn/<method>/grad/<param>."""
    forget, retain = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    with torch.no_grad():
        s0 = token_logprobs(forward(p, cfg, ids, valid), labels).sum(-1)
    s_ref = s0 - 0.5
    out = {"unlearn/reference_seq_logprob": s_ref, "unlearn/forget_rows": forget, "unlearn/retain_rows": retain}

    def nll(tl, rows):
        counts = (labels != -100).float().sum(-1)
        return -(tl.sum(-1) * rows).sum() / (counts * rows).sum()

    with torch.no_grad():
        ref_logp = (forward(p, cfg, ids, valid) * 0.9).log_softmax(-1)  # a reference that differs from θ0
    out["unlearn/reference_log_probs"] = ref_logp
    retain_positions = (labels != -100).float() * retain[:, None]

    def kl_retain(logits):
        kl = (ref_logp.exp() * (ref_logp - logits.log_softmax(-1))).sum(-1)
        return (kl * retain_positions).sum() / retain_positions.sum()

    def npo(tl):
        return (2 / 0.1) * (torch.nn.functional.softplus(0.1 * (tl.sum(-1) - s_ref)) * forget).sum() / forget.sum()

    counts = (labels != -100).float().sum(-1)

    def dpo(tl):
        # row 0 holds the rejected (harmful) response y_l, row 1 the chosen (refusal) y_w
        s = tl.sum(-1)
        margin = (s[1] - s_ref[1]) - (s[0] - s_ref[0])
        return -(2 / 0.1) * torch.nn.functional.logsigmoid(0.1 * margin)

    logit_methods = {
        "dpo": lambda lg, tl: dpo(tl),
        "ga_kl": lambda lg, tl: -nll(tl, forget) + 1.0 * kl_retain(lg),
        "npo_kl": lambda lg, tl: npo(tl) + 1.0 * kl_retain(lg),
        "npo_rt": lambda lg, tl: npo(tl) + 1.0 * nll(tl, retain),
        "simnpo": lambda lg, tl: -(2 / 2.5) * (torch.nn.functional.logsigmoid(-2.5 * (tl.sum(-1) / counts) - 0.0)
                                              * forget).sum() / forget.sum() + 1.0 * nll(tl, retain),
    }
    for m, f in logit_methods.items():
        params = {k: v.clone().requires_grad_(True) for k, v in p.items()}
        logits = forward(params, cfg, ids, valid)
        loss = f(logits, token_logprobs(logits, labels))
        grads = torch.autograd.grad(loss, list(params.values()))
        out[f"unlearn/{m}/loss"] = loss.detach().reshape(1)
        for k, g in zip(params, grads):
            out[f"unlearn/{m}/grad/{k}"] = g

        def loss_of(q, f=f):
            lg = forward(q, cfg, ids, valid)
            return f(lg, token_logprobs(lg, labels))
        out[f"unlearn/{m}/adamw_losses"] = adamw_losses(p, loss_of)

    # RMU at layer 1 (c 6.5, α 1200): forget rows' residual stream pushed to c·u, retain rows' held at the
    # reference's (here 0.9 × the initial one, so that the term is not trivially zero). Mean over real tokens and d.
    g = torch.Generator().manual_seed(7)
    u = torch.rand(cfg["hidden_size"], generator=g)
    u = u / u.norm()
    with torch.no_grad():
        hs0 = []
        forward(p, cfg, ids, valid, hs0)
    h_ref = hs0[1] * 0.9
    out["unlearn/rmu/u"] = u
    out["unlearn/rmu/reference_hidden"] = h_ref
    params = {k: v.clone().requires_grad_(True) for k, v in p.items()}
    hs = []
    forward(params, cfg, ids, valid, hs)
    vmask = valid.float()
    d = cfg["hidden_size"]
    f_err = ((hs[1] - 6.5 * u) ** 2).sum(-1) * vmask * forget[:, None]
    r_err = ((hs[1] - h_ref) ** 2).sum(-1) * vmask * retain[:, None]
    rmu = f_err.sum() / ((vmask * forget[:, None]).sum() * d) + 1200 * r_err.sum() / ((vmask * retain[:, None]).sum() * d)
    trainable = [k for k in params if k.endswith("mlp.down_proj.weight")]
    grads = torch.autograd.grad(rmu, [params[k] for k in trainable])
    out["unlearn/rmu/loss"] = rmu.detach().reshape(1)
    for k, gr in zip(trainable, grads):
        out[f"unlearn/rmu/grad/{k}"] = gr

    def rmu_of(q):
        h = []
        forward(q, cfg, ids, valid, h)
        fe = ((h[1] - 6.5 * u) ** 2).sum(-1) * vmask * forget[:, None]
        re = ((h[1] - h_ref) ** 2).sum(-1) * vmask * retain[:, None]
        return fe.sum() / ((vmask * forget[:, None]).sum() * d) + 1200 * re.sum() / ((vmask * retain[:, None]).sum() * d)
    out["unlearn/rmu/adamw_losses"] = adamw_losses(p, rmu_of, trainable)

    methods = {
        "ga": lambda tl: -nll(tl, forget),
        "graddiff": lambda tl: -nll(tl, forget) + 1.0 * nll(tl, retain),
        "npo": lambda tl: (2 / 0.1) * (torch.nn.functional.softplus(0.1 * (tl.sum(-1) - s_ref)) * forget).sum() / forget.sum(),
    }
    for m, f in methods.items():
        params = {k: v.clone().requires_grad_(True) for k, v in p.items()}
        loss = f(token_logprobs(forward(params, cfg, ids, valid), labels))
        grads = torch.autograd.grad(loss, list(params.values()))
        out[f"unlearn/{m}/loss"] = loss.detach().reshape(1)
        for k, g in zip(params, grads):
            out[f"unlearn/{m}/grad/{k}"] = g
        out[f"unlearn/{m}/adamw_losses"] = adamw_losses(p, lambda q, f=f: f(token_logprobs(forward(q, cfg, ids, valid), labels)))
    return out


def group_losses(p, cfg):
    """Methods whose batches hold more than forget and retain rows, on a 4-row batch: row 0 forget, row 1 retain,
    rows 2-3 random-mismatch rows (SKU: other harmful responses, LLMU: benign answers; K = 2). Eraser and Safe
    Unlearning use rows 0-2, row 2 being the refusal row. The reference is as in unlearning_losses: S_ref = S_0 - 0.5,
    distributions softmax(0.9 * logits_0). Written under groups/."""
    gen = torch.Generator().manual_seed(11)
    B, T = 4, 8
    ids = torch.randint(3, cfg["vocab_size"], (B, T), generator=gen)
    valid = torch.ones(B, T, dtype=torch.bool)
    labels = torch.full((B, T), -100)
    labels[:, :-1] = ids[:, 1:]
    for b, (pad, prompt) in enumerate([(0, 2), (2, 3), (1, 2), (3, 1)]):
        valid[b, :pad] = False
        ids[b, :pad] = 0
        labels[b, :pad + prompt - 1] = -100
    counts = (labels != -100).float().sum(-1)
    with torch.no_grad():
        logits0 = forward(p, cfg, ids, valid)
        s_ref = token_logprobs(logits0, labels).sum(-1) - 0.5
        ref_logp = (logits0 * 0.9).log_softmax(-1)
    out = {"groups/input_ids": ids.float(), "groups/valid": valid.float(), "groups/labels": labels.float(),
           "groups/reference_seq_logprob": s_ref, "groups/reference_log_probs": ref_logp}

    def rows(*on, n=B):
        r = torch.zeros(n)
        r[list(on)] = 1.0
        return r

    def nll(tl, r, n):
        return -(tl.sum(-1) * r).sum() / (counts[:n] * r).sum()

    def kl(logits, r, n):
        per = (ref_logp[:n].exp() * (ref_logp[:n] - logits.log_softmax(-1))).sum(-1)
        pos = (labels[:n] != -100).float() * r[:, None]
        return (per * pos).sum() / pos.sum()

    def sku(lg, tl, n):
        return 0.5 * nll(tl, rows(0), n) + 1.0 * nll(tl, rows(2, 3), n) - 1.0 * kl(lg, rows(1), n)

    def llmu(lg, tl, n):
        return -0.5 * nll(tl, rows(0), n) + 1.0 * nll(tl, rows(2, 3), n) + 1.0 * kl(lg, rows(1), n)

    def eraser(lg, tl, n):  # γ = 10 so that the hinge is active on this random model
        f, r, refusal = rows(0, n=n), rows(1, n=n), rows(2, n=n)
        return torch.relu(10.0 - nll(tl, f, n)) + kl(lg, r, n) + kl(lg, refusal, n)

    def safe(lg, tl, n):  # α 0.3, β 1, θ 0.5; mean per-token log-probs
        f, r, refusal = rows(0, n=n), rows(1, n=n), rows(2, n=n)
        margin = tl.sum(-1) / counts[:n] - s_ref[:n] / counts[:n]
        harmful = -(torch.nn.functional.logsigmoid(-1.0 * margin) * f).sum() / f.sum()
        return nll(tl, r, n) + 0.5 * nll(tl, refusal, n) + 0.3 * harmful

    for m, (f, n) in {"sku": (sku, 4), "llmu": (llmu, 4), "eraser": (eraser, 3), "safe_unlearning": (safe, 3)}.items():
        params = {k: v.clone().requires_grad_(True) for k, v in p.items()}
        logits = forward(params, cfg, ids[:n], valid[:n])
        loss = f(logits, token_logprobs(logits, labels[:n]), n)
        grads = torch.autograd.grad(loss, list(params.values()))
        out[f"groups/{m}/loss"] = loss.detach().reshape(1)
        for k, g in zip(params, grads):
            out[f"groups/{m}/grad/{k}"] = g

        def loss_of(q, f=f, n=n):
            lg = forward(q, cfg, ids[:n], valid[:n])
            return f(lg, token_logprobs(lg, labels[:n]), n)
        out[f"groups/{m}/adamw_losses"] = adamw_losses(p, loss_of)
    return out


# ---------------------------------------------------------------- fixtures

def batch(cfg, gen):
    """Two rows of 8 tokens; row 1 is left-padded by 3; labels mask a 2-token prompt of each row."""
    B, T, pad = 2, 8, 3
    ids = torch.randint(3, cfg["vocab_size"], (B, T), generator=gen)
    valid = torch.ones(B, T, dtype=torch.bool)
    valid[1, :pad] = False
    ids[1, :pad] = 0
    labels = torch.full((B, T), -100)
    labels[:, :-1] = ids[:, 1:]          # next-token targets at each position
    labels[0, :1] = -100                 # row 0: prompt = first 2 tokens
    labels[1, :pad + 1] = -100           # row 1: padding + 2 prompt tokens
    return ids, valid, labels


def make(name, cfg):
    gen = torch.Generator().manual_seed(sum(map(ord, name)))
    p = round_to_storage(init_params(cfg, gen), STORAGE[name])
    ids, valid, labels = batch(cfg, gen)
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    write_safetensors(os.path.join(d, "model.safetensors"), p, STORAGE[name])
    if name == "llama":
        write_gguf(os.path.join(d, "model.gguf"), cfg, p)

    params = {k: v.clone().requires_grad_(True) for k, v in p.items()}
    hidden = []
    logits = forward(params, cfg, ids, valid, hidden)
    loss = mean_nll(logits, labels)
    loss.backward()
    ref = {"input_ids": ids.float(), "valid": valid.float(), "labels": labels.float(),
           "logits": logits.detach(), "token_logprobs": token_logprobs(logits, labels).detach(),
           "loss": loss.detach().reshape(1)}
    for k, v in params.items():
        ref["grad/" + k] = v.grad
    for l, h in enumerate(hidden):
        ref[f"hidden/{l}"] = h.detach()

    # 10 steps of plain SGD on the same batch: the loss before each step.
    sgd = {k: v.clone().requires_grad_(True) for k, v in p.items()}
    losses = []
    for _ in range(10):
        l = mean_nll(forward(sgd, cfg, ids, valid), labels)
        losses.append(l.item())
        grads = torch.autograd.grad(l, list(sgd.values()))
        with torch.no_grad():
            for (k, v), g in zip(sgd.items(), grads):
                v -= 0.1 * g
    ref["sgd_losses"] = torch.tensor(losses)
    if name == "llama":
        ref.update(unlearning_losses(p, cfg, ids, valid, labels))
        ref.update(group_losses(p, cfg))
    write_safetensors(os.path.join(d, "reference.safetensors"), ref)
    print(f"{name}: loss {loss.item():.6f}, sgd {losses[0]:.4f} -> {losses[-1]:.4f}")


# ---------------------------------------------------------------- sampling and learning-rate schedules
def warp(logits, temperature, top_k, top_p):
    """The sampling distribution after HF's logits warpers, in their order: temperature, top-k, top-p
    (TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper with min_tokens_to_keep 1), written here from
    their documented behaviour."""
    x = logits.double() / temperature
    if 0 < top_k < x.shape[-1]:
        kth = torch.topk(x, top_k, dim=-1).values[..., -1, None]
        x = x.masked_fill(x < kth, float("-inf"))
    if top_p < 1.0:
        sorted_x, order = torch.sort(x, descending=False, dim=-1)
        cumulative = sorted_x.softmax(dim=-1).cumsum(dim=-1)
        remove = cumulative <= (1 - top_p)
        remove[..., -1:] = False  # keep at least the most likely token
        x = x.masked_fill(remove.scatter(-1, order, remove), float("-inf"))
    return x.softmax(dim=-1)


SAMPLING = [(0.7, 0, 1.0), (1.0, 5, 1.0), (1.0, 0, 0.9), (0.8, 10, 0.8), (1.3, 3, 0.5)]


def make_sampling():
    gen = torch.Generator().manual_seed(11)
    logits = torch.randn(4, 50, generator=gen) * 2
    logits[0, 7] = logits[0, 8]  # a tie at the top-k boundary region
    ref = {"logits": logits}
    for i, (t, k, p) in enumerate(SAMPLING):
        ref[f"config/{i}"] = torch.tensor([t, k, p])
        ref[f"probs/{i}"] = warp(logits, t, k, p).float()
    d = os.path.join(OUT, "sampling")
    os.makedirs(d, exist_ok=True)
    write_safetensors(os.path.join(d, "reference.safetensors"), ref)
    print("sampling:", len(SAMPLING), "warper configurations")


def make_schedules():
    """The learning rate at each step, read from a real torch optimizer driven by torch.optim.lr_scheduler:
    LambdaLR with HF's get_{constant,linear,cosine}_schedule_with_warmup formulas, and, without warm-up, torch's own
    LinearLR and CosineAnnealingLR as a second, independent source."""
    total, base = 20, 0.1

    def lrs(make_scheduler):
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base)
        sched = make_scheduler(opt)
        out = []
        for _ in range(total):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return torch.tensor(out, dtype=torch.float64) / base

    def hf(kind, warmup):
        def f(step):
            if step < warmup:
                return step / max(1, warmup)
            progress = (step - warmup) / max(1, total - warmup)
            if kind == "constant":
                return 1.0
            if kind == "linear":
                return max(0.0, (total - step) / max(1, total - warmup))
            return max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))
        return f

    ref = {}
    for kind in ("constant", "linear", "cosine"):
        for warmup in (0, 5):
            ref[f"{kind}/{warmup}"] = lrs(lambda o: torch.optim.lr_scheduler.LambdaLR(o, hf(kind, warmup)))
    ref["torch_linear/0"] = lrs(lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=total))
    ref["torch_cosine/0"] = lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=total, eta_min=0.0))
    d = os.path.join(OUT, "schedules")
    os.makedirs(d, exist_ok=True)
    write_safetensors(os.path.join(d, "reference.safetensors"), {k: v.float() for k, v in ref.items()})
    print("schedules: total", total, "steps")


def make_optim():
    """torch.optim.AdamW's parameters after each of 3 steps on given gradients and its moments after the last, for
    two settings: the default betas and eps with weight decay 0.1, and betas (0.5, 0.9) with eps 1e-3 (large enough
    to move the step) and no weight decay. Two parameters: [3, 5], and 2053 elements (more than one of the Java
    kernel's chunks, and not a multiple of a vector's width)."""
    gen = torch.Generator().manual_seed(11)
    shapes = {"a": (3, 5), "b": (2053,)}
    ref = {}
    for setting, betas, eps, wd in (("default", (0.9, 0.999), 1e-8, 0.1), ("other", (0.5, 0.9), 1e-3, 0.0)):
        params = {k: torch.randn(*s, generator=gen) for k, s in shapes.items()}
        for k, v in params.items():
            ref[f"{setting}/init/{k}"] = v.clone()
        leaves = [params[k].clone().requires_grad_(True) for k in shapes]
        opt = torch.optim.AdamW(leaves, lr=1e-2, betas=betas, eps=eps, weight_decay=wd)
        for step in range(3):
            for k, leaf in zip(shapes, leaves):
                g = torch.randn(*shapes[k], generator=gen) * (10.0 ** (step - 1))  # the scale moves between steps
                ref[f"{setting}/grad{step}/{k}"] = g
                leaf.grad = g.clone()
            opt.step()
            for k, leaf in zip(shapes, leaves):
                ref[f"{setting}/param{step}/{k}"] = leaf.detach().clone()
        for k, leaf in zip(shapes, leaves):
            ref[f"{setting}/m/{k}"] = opt.state[leaf]["exp_avg"].clone()
            ref[f"{setting}/v/{k}"] = opt.state[leaf]["exp_avg_sq"].clone()
    d = os.path.join(OUT, "optim")
    os.makedirs(d, exist_ok=True)
    write_safetensors(os.path.join(d, "reference.safetensors"), ref)
    print("optim: AdamW, 2 settings x 3 steps")


# ---------------------------------------------------------------- statistics of the evaluation
def make_stats():
    """Intervals and tests from statsmodels/scipy (an independent implementation): Wilson intervals, McNemar's exact
    p-values, Cohen's kappa; and the exact bootstrap distribution of the mean of a 6-value sample (all 6^6 resamples
    enumerated) for the percentile bootstrap."""
    import itertools
    from statsmodels.stats.proportion import proportion_confint
    from statsmodels.stats.contingency_tables import mcnemar
    from statsmodels.stats.inter_rater import cohens_kappa

    wilson_in = [(0, 10), (1, 10), (5, 10), (10, 10), (3, 57), (250, 250), (37, 100), (1, 1)]
    wilson = [proportion_confint(k, n, alpha=0.05, method="wilson") for k, n in wilson_in]
    mcnemar_in = [(0, 0), (0, 5), (1, 9), (4, 6), (10, 10), (3, 17), (25, 40)]
    mcnemar_p = [mcnemar([[7, b], [c, 3]], exact=True).pvalue for b, c in mcnemar_in]
    tables = [[[20, 5], [10, 15]], [[40, 0], [0, 10]], [[12, 3, 1], [2, 9, 4], [0, 5, 14]], [[5, 5], [5, 5]]]
    kappas = [cohens_kappa(np.array(t, dtype=float)).kappa for t in tables]
    sample = np.array([0.2, 1.5, 3.1, 0.0, 2.2, 7.4])
    means = np.array([np.mean(c) for c in itertools.product(sample, repeat=len(sample))])
    ref = {"wilson/inputs": torch.tensor(wilson_in, dtype=torch.float64), "wilson/bounds": torch.tensor(wilson),
           "mcnemar/inputs": torch.tensor(mcnemar_in, dtype=torch.float64), "mcnemar/p": torch.tensor(mcnemar_p),
           "bootstrap/sample": torch.tensor(sample), "bootstrap/exact_interval":
               torch.tensor([np.quantile(means, 0.025), np.quantile(means, 0.975)]), "kappa": torch.tensor(kappas)}
    for i, t in enumerate(tables):
        ref[f"kappa/table/{i}"] = torch.tensor(t, dtype=torch.float64)
    d = os.path.join(OUT, "stats")
    os.makedirs(d, exist_ok=True)
    write_safetensors(os.path.join(d, "reference.safetensors"), {k: v.float() for k, v in ref.items()})
    print("stats: wilson", len(wilson_in), "mcnemar", len(mcnemar_in), "kappa", len(tables))


# ---------------------------------------------------------------- lm-eval tasks on stories260K
STORIES = os.path.join(ROOT, "mubench-tensor", "src", "main", "resources", "io", "github", "mubench", "tensor", "models",
                       "stories260K")


def load_llama2c(path):
    """llama2.c's checkpoint format, read here from its description (run.c): a 7-int header, then the weights."""
    with open(path, "rb") as f:
        dim, hidden, layers, heads, kv_heads, vocab, seq_len = struct.unpack("<7i", f.read(28))
        data = np.frombuffer(f.read(), dtype="<f4")
    shared, vocab = vocab > 0, abs(vocab)
    head = dim // heads
    off = 0

    def take(*shape):
        nonlocal off
        n = int(np.prod(shape))
        t = torch.from_numpy(data[off:off + n].copy()).reshape(shape)
        off += n
        return t

    w = dict(embed=take(vocab, dim), att_norm=take(layers, dim), wq=take(layers, dim, dim), wk=take(layers, kv_heads * head, dim),
             wv=take(layers, kv_heads * head, dim), wo=take(layers, dim, dim), ffn_norm=take(layers, dim),
             w1=take(layers, hidden, dim), w2=take(layers, dim, hidden), w3=take(layers, hidden, dim), norm=take(dim))
    off += seq_len * head  # freq_cis_real and freq_cis_imag, seq_len x head/2 each
    w["cls"] = w["embed"] if shared else take(vocab, dim)
    return w, dict(dim=dim, layers=layers, heads=heads, kv_heads=kv_heads, head=head, seq_len=seq_len)


def llama2c_forward(w, c, ids):
    """Logits at every position, as run.c computes them (interleaved RoPE pairs, GQA, SwiGLU), one sequence."""
    T, H, KV, hd = len(ids), c["heads"], c["kv_heads"], c["head"]
    x = w["embed"][torch.tensor(ids)]
    pos = torch.arange(T, dtype=torch.float32)[:, None]
    freq = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    cos, sin = torch.cos(pos * freq), torch.sin(pos * freq)

    def rope(v):  # v [T, n, hd]: rotate each (even, odd) pair
        a, b = v[..., 0::2], v[..., 1::2]
        out = torch.empty_like(v)
        out[..., 0::2] = a * cos[:, None, :] - b * sin[:, None, :]
        out[..., 1::2] = a * sin[:, None, :] + b * cos[:, None, :]
        return out

    def norm(v, g):
        return v * torch.rsqrt(v.pow(2).mean(-1, keepdim=True) + 1e-5) * g

    mask = torch.full((T, T), float("-inf")).triu(1)
    for l in range(c["layers"]):
        h = norm(x, w["att_norm"][l])
        q = rope((h @ w["wq"][l].T).view(T, H, hd))
        k = rope((h @ w["wk"][l].T).view(T, KV, hd)).repeat_interleave(H // KV, dim=1)
        v = (h @ w["wv"][l].T).view(T, KV, hd).repeat_interleave(H // KV, dim=1)
        att = torch.einsum("thd,shd->hts", q, k) / math.sqrt(hd) + mask
        o = torch.einsum("hts,shd->thd", att.softmax(-1), v).reshape(T, H * hd)
        x = x + o @ w["wo"][l].T
        h = norm(x, w["ffn_norm"][l])
        x = x + (torch.nn.functional.silu(h @ w["w1"][l].T) * (h @ w["w3"][l].T)) @ w["w2"][l].T
    return norm(x, w["norm"]) @ w["cls"].T


def llama2c_tokenizer(path, vocab):
    with open(path, "rb") as f:
        f.read(4)
        pieces, scores = [], []
        for _ in range(vocab):
            scores.append(struct.unpack("<f", f.read(4))[0])
            n = struct.unpack("<i", f.read(4))[0]
            pieces.append(f.read(n))
    ids = {p: i for i, p in reversed(list(enumerate(pieces)))}

    def encode(text, bos=True):
        """run.c's encode: BOS, a dummy-prefix space, code points (else UTF-8 bytes + 3), then merge the best-scoring
        adjacent pair (leftmost on ties) until none merges."""
        toks = [1] if bos else []
        if text:
            toks.append(ids[b" "])
        for ch in text:
            b = ch.encode("utf-8")
            toks.extend([ids[b]] if b in ids else [x + 3 for x in b])
        while True:
            best, at = None, -1
            for i in range(1 if bos else 0, len(toks) - 1):
                m = ids.get(pieces[toks[i]] + pieces[toks[i + 1]])
                if m is not None and (best is None or scores[m] > scores[best]):
                    best, at = m, i
            if best is None:
                return toks
            toks[at:at + 2] = [best]
    return encode


def make_tasks():
    """MMLU (1-shot, lm-eval's default format) and ARC-Challenge (0-shot) requests, formatted here from lm-eval's
    documented templates, tokenized with an independent llama2.c encoder, and scored with a PyTorch forward pass of
    stories260K: the log-likelihood and greediness of each option."""
    import csv
    w, c = load_llama2c(os.path.join(STORIES, "stories260K.bin"))
    encode = llama2c_tokenizer(os.path.join(STORIES, "tok512.bin"), w["embed"].shape[0])

    def score(context, continuation):
        # lm-eval: trailing spaces of the context move to the continuation; continuation = whole[len(context):]
        n = len(context) - len(context.rstrip())
        ctx, cont = context[:len(context) - n], context[len(context) - n:] + continuation
        ctx_ids, whole = encode(ctx), encode(ctx + cont)
        cont_ids = whole[len(ctx_ids):]
        inp = whole[:-1][-c["seq_len"]:]
        logp = llama2c_forward(w, c, inp).log_softmax(-1)[-len(cont_ids):]
        picked = logp[torch.arange(len(cont_ids)), torch.tensor(cont_ids)]
        return dict(context=context, continuation=continuation, logprob=picked.double().sum().item(),
                    greedy=bool((logp.argmax(-1) == torch.tensor(cont_ids)).all()))

    def mmlu_question(row):
        return (row["question"].strip() + "".join(f"\n{l}. {row['choice' + str(i)]}" for i, l in enumerate("ABCD")) + "\nAnswer:")

    out = {"mmlu": [], "arc_challenge": []}
    for subject in ["anatomy", "astronomy", "college_biology", "world_religions"]:
        rows = {}
        for split in ("dev", "test"):
            with open(os.path.join(ROOT, "data", "mmlu", split, f"{subject}_{split}.csv"), newline="") as f:
                rows[split] = list(csv.DictReader(f))
        shot, item = rows["dev"][0], rows["test"][0]
        context = (f"The following are multiple choice questions (with answers) about {subject.replace('_', ' ')}.\n\n"
                   + mmlu_question(shot) + " " + "ABCD"[int(shot["answer"])] + "\n\n" + mmlu_question(item))
        out["mmlu"].append(dict(id=f"{subject}-0", gold=int(item["answer"]),
                                options=[score(context, " " + l) for l in "ABCD"]))
    with open(os.path.join(ROOT, "data", "arc_challenge", "ARC-Challenge-Test.jsonl")) as f:
        for line in list(f)[:4]:
            d = json.loads(line)
            context = "Question: " + d["question"]["stem"] + "\nAnswer:"
            choices = d["question"]["choices"]
            out["arc_challenge"].append(dict(id=d["id"], gold=[x["label"] for x in choices].index(d["answerKey"]),
                                             lengths=[len(x["text"]) for x in choices],
                                             options=[score(context, " " + x["text"]) for x in choices]))
    d = os.path.join(OUT, "tasks")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "stories260K.json"), "w") as f:
        json.dump(out, f, indent=1)
    print("tasks: mmlu", len(out["mmlu"]), "arc", len(out["arc_challenge"]))


PARTS = {"models": lambda: [make(n, c) for n, c in CONFIGS.items()], "sampling": make_sampling,
         "schedules": make_schedules, "optim": make_optim, "stats": make_stats, "tasks": make_tasks}

if __name__ == "__main__":
    torch.manual_seed(0)
    # all parts by default; name some (e.g. `sampling schedules`) to regenerate only those
    for part in (sys.argv[1:] or PARTS):
        PARTS[part]()
    sys.exit(0)
