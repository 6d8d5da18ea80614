#!/usr/bin/env python3
"""Hostile-input sweep: mutated model files, tokenizers, chat templates, data files, flags and output paths, each run
through the real CLI (./mubench) in its own JVM with a time limit, and every outcome classified.

Usage: tools/hostile_sweep.py [--limit SECONDS] [--only CATEGORY] [--out DIR]
Writes DIR/cases.jsonl (one line a case: category, case, expectation, rc, seconds, max RSS, outcome, stderr tail) and
prints the table of outcomes per category. Outcomes:
  ok         a clean error (exit != 0, one line, no Java stack trace) where the input is bad, or the right output
             where the input is valid (the same numbers as the unmutated input when the mutation keeps the meaning)
  crash      killed by a signal or a JVM fatal error file (hs_err_pid*.log)
  hang       still running at the time limit
  trace      a Java stack trace on the terminal
  garbage    exit 0 on bad input, or numbers that are not finite, or different numbers for an equivalent file
  stale      exit != 0 but the output folder looks finished (config.json and model.safetensors present)
  vague      exit != 0 with a message that does not name the file or option it is about
Nothing here is needed by the tests; it re-measures the hostile-input table of the issue that asked for it.
"""
import argparse
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "mubench-tensor/src/test/resources/fixtures/llama"
GGUF = ROOT / "data/tiny_random_llama2_gguf/llama-2-tiny-random.gguf"
STORIES = ROOT / "mubench-tensor/src/main/resources/io/github/mubench/tensor/models/stories260K"
PHI3 = ROOT / "data/phi3_tokenizer"


JAVA = []  # the CLI's java command line, over a private copy of its jars (see frozen_cli)


def frozen_cli(work):
    """Builds the CLI once (./mubench) and copies mubench's own jars aside, so that a build during the sweep changes nothing."""
    subprocess.run([str(ROOT / "mubench"), "--version"], check=True, stdout=subprocess.DEVNULL)
    jars = work / "jars"
    jars.mkdir()
    entries = [str(ROOT / "mubench-cli/target/mubench-cli-0.1.0-SNAPSHOT.jar")] + \
        (ROOT / "mubench-cli/target/classpath.txt").read_text().strip().split(":")
    cp = []
    for e in entries:
        if e.startswith(str(ROOT)):
            cp.append(str(shutil.copy(e, jars / Path(e).name)))
        else:
            cp.append(e)
    JAVA[:] = ["java", "-Xmx2g", f"-Dorg.bytedeco.javacpp.cachedir={Path.home()}/.javacpp/cache", "-cp", ":".join(cp),
               "io.github.mubench.cli.Main"]


def run(argv, limit, cwd):
    """Runs the CLI with ARGV; returns (rc or None on timeout, seconds, max RSS MiB, stdout, stderr, hs_err seen)."""
    start = time.time()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(JAVA + argv, stdout=out, stderr=err, cwd=cwd, start_new_session=True)
        rc, rss = None, 0
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                rc = os.waitstatus_to_exitcode(status)
                rss = usage.ru_maxrss / 1024
                break
            if time.time() - start > limit:
                os.killpg(p.pid, 9)
                _, _, usage = os.wait4(p.pid, 0)
                rss = usage.ru_maxrss / 1024
                break
            time.sleep(0.05)
        out.seek(0)
        err.seek(0)
        hs = [f for f in os.listdir(cwd) if f.startswith("hs_err_pid")]
        for f in hs:
            os.remove(os.path.join(cwd, f))
        return rc, time.time() - start, rss, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), bool(hs)


def numbers(text):
    """Log-probabilities in a score --json output (None when there are none)."""
    try:
        return json.loads(text).get("token_logprobs")
    except (ValueError, AttributeError):
        m = re.findall(r"-?(?:\d+\.\d+(?:[eE][-+]?\d+)?|NaN|Infinity)", text)
        return [float(x) for x in m] or None


def classify(case, rc, out, err, hs, base, names):
    if hs or (rc is not None and rc < 0) or (rc is not None and rc >= 128):
        return "crash"
    if rc is None:
        return "hang"
    if re.search(r"^\s+at [\w$.]+\(", err, re.M) or "Exception in thread" in err:
        return "trace"
    expect = case["expect"]
    if rc == 0:
        if expect == "fail":
            return "garbage"
        vals = numbers(out) if case.get("numeric") else None
        if vals is not None and not all(isinstance(v, (int, float)) and math.isfinite(v) for v in vals):
            return "garbage"
        if expect == "same" and base is not None and out.strip() != base.strip():
            return "garbage"
        return "ok"
    if expect == "same":
        return "garbage"  # a valid file refused is wrong too
    outdir = case.get("outdir")
    if outdir and (Path(outdir) / "config.json").exists() and (Path(outdir) / "model.safetensors").exists() \
            and not case.get("out_existed"):
        return "stale"
    if names and not any(n in err for n in names + case.get("paths", [])):
        return "vague"
    return "ok"


# ---------- safetensors ----------

def st_parse(b):
    n = struct.unpack("<Q", b[:8])[0]
    return json.loads(b[8:8 + n]), b[8 + n:]


def st_build(header, data, pad=b""):
    h = json.dumps(header).encode() + pad
    return struct.pack("<Q", len(h)) + h + data


def safetensors_cases(work):
    base = (FIXTURE / "model.safetensors").read_bytes()
    header, data = st_parse(base)
    names = [k for k in header if k != "__metadata__"]
    variants = {}
    for cut in [0, 4, 8, 9, 100, 8 + len(json.dumps(header)) // 2, len(base) - len(data), len(base) - 1]:
        variants[f"truncated at {cut}"] = ("fail", base[:cut])
    for label, n in [("header length 2^63", 1 << 63), ("header length 0", 0), ("header length past the end", len(base)),
                     ("header length 2^32", 1 << 32)]:
        variants[label] = ("fail", struct.pack("<Q", n) + base[8:])
    for pad in [1, 2, 3, 7]:
        variants[f"header padded by {pad} spaces"] = ("same", st_build(header, data, b" " * pad))
    t = names[3]
    for dtype in ["F16", "BF16", "F64", "I8", "XX", 7, None]:
        h = json.loads(json.dumps(header))
        h[t]["dtype"] = dtype
        variants[f"{t} dtype {dtype}"] = ("fail", st_build(h, data))
    for shape in [[0], [-1], [2 ** 40], [2 ** 31, 2 ** 31], "x", [1.5], list(reversed(header[t]["shape"])) + [1]]:
        h = json.loads(json.dumps(header))
        h[t]["shape"] = shape
        variants[f"{t} shape {shape}"] = ("fail", st_build(h, data))
    a, b_ = header[t]["data_offsets"]
    for offs in [[b_, a], [a, len(data) + 4], [-4, b_], [a + 1, b_ + 1], [0, b_ - a], [a, a], "x", [a]]:
        h = json.loads(json.dumps(header))
        h[t]["data_offsets"] = offs
        expect = "fail" if offs != [0, b_ - a] else "any"
        variants[f"{t} offsets {offs}"] = (expect, st_build(h, data))
    h = json.loads(json.dumps(header))
    del h[t]
    variants[f"{t} missing"] = ("fail", st_build(h, data))
    h = json.loads(json.dumps(header))
    h["unused.huge"] = {"dtype": "F16", "shape": [10 ** 9], "data_offsets": [len(data), len(data) + 2 * 10 ** 9]}
    variants["unused F16 [10^9] tensor past the end"] = ("fail", st_build(h, data))
    h = json.loads(json.dumps(header))
    h["unused.small"] = {"dtype": "F16", "shape": [1], "data_offsets": [len(data), len(data) + 2]}
    variants["unused tensor, odd length, at the end"] = ("same", st_build(h, data + b"\0\0"))
    # an odd-length F16 tensor placed first: every F32 tensor after it starts off a 4-byte boundary
    h = {"__metadata__": header["__metadata__"], "unused.odd": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}}
    for k in names:
        o = header[k]["data_offsets"]
        h[k] = dict(header[k], data_offsets=[o[0] + 2, o[1] + 2])
    variants["F32 tensors 2 bytes off alignment"] = ("same", st_build(h, b"\0\0" + data))
    variants["header not JSON"] = ("fail", struct.pack("<Q", 5) + b"{nope" + data)
    deep = b"[" * 100000 + b"]" * 100000
    variants["header nested 10^5 deep"] = ("fail", struct.pack("<Q", len(deep)) + deep + data)
    variants["header is a list"] = ("fail", st_build([], data))
    for v, label in [(float("nan"), "NaN"), (float("inf"), "Inf")]:
        d = bytearray(data)
        o = header[t]["data_offsets"][0]
        d[o:o + 4] = struct.pack("<f", v)
        variants[f"{label} in {t}"] = ("fail", st_build(header, bytes(d)))
    import random
    rnd = random.Random(7)
    hb = len(base) - len(data)
    for i in range(20):
        m = bytearray(base)
        for _ in range(rnd.randint(1, 4)):
            m[rnd.randrange(8, hb)] = rnd.randrange(256)
        variants[f"header bytes flipped #{i}"] = ("any", bytes(m))
    for i in range(5):
        m = bytearray(base)
        m[rnd.randrange(hb, len(base))] = rnd.randrange(256)
        variants[f"data byte flipped #{i}"] = ("any", bytes(m))
    cases = []
    for label, (expect, content) in variants.items():
        d = work / f"st-{len(cases)}"
        d.mkdir()
        shutil.copy(FIXTURE / "config.json", d / "config.json")
        (d / "model.safetensors").write_bytes(content)
        cases.append(dict(category="safetensors", case=label, expect=expect, numeric=True, paths=[d.name],
                          argv=["score", "--model", str(d), "--text-ids", "1,2,3,4", "--json"], names=["model.safetensors"]))
    # a sharded folder whose index points outside it, and a shard that is a symlink out
    d = work / "st-traversal"
    d.mkdir()
    shutil.copy(FIXTURE / "config.json", d / "config.json")
    (d / "model.safetensors.index.json").write_text(json.dumps({"weight_map": {k: "../../../../etc/passwd" for k in names}}))
    cases.append(dict(category="path traversal", case="index maps to ../../etc/passwd", expect="fail",
                      argv=["score", "--model", str(d), "--text-ids", "1,2", "--json"], names=["model.safetensors.index.json", "passwd"]))
    d = work / "st-symlink"
    d.mkdir()
    shutil.copy(FIXTURE / "config.json", d / "config.json")
    os.symlink("/etc/passwd", d / "model.safetensors")
    cases.append(dict(category="path traversal", case="model.safetensors -> /etc/passwd", expect="fail",
                      argv=["score", "--model", str(d), "--text-ids", "1,2", "--json"], names=["model.safetensors"]))
    d = work / "st-symlink-map"
    d.mkdir()
    for f in ["tokenizer.json", "tokenizer_config.json"]:
        shutil.copy(PHI3 / f, d / f)
    os.symlink("/etc/hostname", d / "special_tokens_map.json")
    cases.append(dict(category="path traversal", case="special_tokens_map.json -> /etc/hostname (not read by tokenize)", expect="any",
                      argv=["tokenize", "--tokenizer", str(d / "tokenizer.json"), "--text", "hi"], names=["special_tokens_map.json"]))
    return cases


# ---------- config.json ----------

def config_cases(work):
    config = json.loads((FIXTURE / "config.json").read_text())
    cases = []
    values = [-1, 0, 10 ** 9, 2 ** 31 - 1, 2 ** 63, 1.5, "NaN", "x", None, True, [], {}]
    # values a loader may take (HF reads a null head_dim or max_position_embeddings as absent); the rest must be refused
    harmless = {"max_position_embeddings": [10 ** 9, 2 ** 31 - 1, 2 ** 63, None], "head_dim": [None], "bos_token_id": None, "eos_token_id": None,
                "architectures": None, "hidden_act": None, "model_type": None, "rope_scaling": [None],
                "tie_word_embeddings": None}

    def add(label, text, expect):
        d = work / f"cfg-{len(cases)}"
        d.mkdir()
        (d / "config.json").write_text(text)
        shutil.copy(FIXTURE / "model.safetensors", d / "model.safetensors")
        cases.append(dict(category="config.json", case=label, expect=expect, numeric=True, paths=[d.name],
                          argv=["score", "--model", str(d), "--text-ids", "1,2,3,4", "--json"], names=["config.json"]))

    for key in config:
        for v in values:
            c = dict(config)
            c[key] = v
            ok_values = harmless.get(key, [])
            positive = isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
            expect = "any" if ok_values is None or v in ok_values or v == config[key] \
                or (key in ("rms_norm_eps", "rope_theta") and positive) else "fail"
            add(f"{key} = {json.dumps(v)}", json.dumps(c), expect)
        c = dict(config)
        del c[key]
        add(f"{key} missing", json.dumps(c), "any" if key in harmless or key in ("head_dim", "rope_scaling", "rope_theta",
                                                                                 "tie_word_embeddings", "num_key_value_heads", "rms_norm_eps") else "fail")
    for label, text in [("empty", ""), ("truncated", json.dumps(config)[:40]), ("a list", "[]"), ("nested 10^5", "[" * 100000),
                        ("NaN literal", json.dumps(config).replace('1e-06', 'NaN')), ("duplicate key", json.dumps(config)[:-1] + ', "hidden_size": 64}')]:
        add(label, text, "fail")
    return cases


# ---------- tokenizer.json and tokenizer_config.json ----------

def tokenizer_cases(work):
    tok = json.loads((PHI3 / "tokenizer.json").read_text())
    tconf = (PHI3 / "tokenizer_config.json").read_text()
    cases = []

    def add(category, label, tok_text, expect, text="hello world", conf=tconf, argv=None, names=("tokenizer.json",)):
        d = work / f"tok-{len(cases)}"
        d.mkdir()
        (d / "tokenizer.json").write_text(tok_text)
        (d / "tokenizer_config.json").write_text(conf)
        shutil.copy(PHI3 / "special_tokens_map.json", d / "special_tokens_map.json")
        cases.append(dict(category=category, case=label, expect=expect,
                          argv=argv(d) if argv else ["tokenize", "--tokenizer", str(d / "tokenizer.json"), "--text", text], names=list(names)))

    base = json.dumps(tok)

    def mutate(f):
        t = json.loads(base)
        f(t)
        return json.dumps(t)

    vocab_keys = list(tok["model"]["vocab"].keys())
    for label, f, expect in [
        ("vocab id 10^9", lambda t: t["model"]["vocab"].__setitem__(vocab_keys[500], 10 ** 9), "fail"),
        ("vocab id -5", lambda t: t["model"]["vocab"].__setitem__(vocab_keys[500], -5), "fail"),
        ("vocab id 2.5", lambda t: t["model"]["vocab"].__setitem__(vocab_keys[500], 2.5), "fail"),
        ("duplicate vocab ids", lambda t: t["model"]["vocab"].__setitem__(vocab_keys[500], 501), "any"),
        ("vocab missing", lambda t: t["model"].pop("vocab"), "fail"),
        ("vocab a list", lambda t: t["model"].__setitem__("vocab", []), "fail"),
        ("merges of unknown tokens", lambda t: t["model"]["merges"].insert(0, "qqqq zzzz"), "any"),
        ("merge without a space", lambda t: t["model"]["merges"].insert(0, "abc"), "fail"),
        ("merges a number", lambda t: t["model"].__setitem__("merges", 5), "fail"),
        ("model type unknown", lambda t: t["model"].__setitem__("type", "Quantum"), "fail"),
        ("normalizer unknown", lambda t: t.__setitem__("normalizer", {"type": "Whatever"}), "fail"),
        ("pre_tokenizer catastrophic regex", lambda t: t.__setitem__("pre_tokenizer", {"type": "Split", "pattern": {"Regex": "(a+)+\\1b"}, "behavior": "Isolated", "invert": False}), "any"),
        ("pre_tokenizer invalid regex", lambda t: t.__setitem__("pre_tokenizer", {"type": "Split", "pattern": {"Regex": "(a"}, "behavior": "Isolated", "invert": False}), "fail"),
        ("added token id 10^9", lambda t: t["added_tokens"][0].__setitem__("id", 10 ** 9), "fail"),
        ("added token content null", lambda t: t["added_tokens"][0].__setitem__("content", None), "fail"),
        ("decoder unknown", lambda t: t.__setitem__("decoder", {"type": "Nope"}), "fail"),
        ("post_processor unknown", lambda t: t.__setitem__("post_processor", {"type": "Nope"}), "fail"),
    ]:
        text = "a" * 40 if "catastrophic" in label else "hello world"
        add("tokenizer.json", label, mutate(f), expect, text=text)
    for label, text in [("empty", ""), ("truncated", base[:1000]), ("nested 10^5", "[" * 100000), ("a string", '"x"')]:
        add("tokenizer.json", label, text, "fail")
    for n in [20000, 120000]:  # one command-line argument holds at most 128 KiB
        add("tokenizer.json", f"{n}-character text (linear time)", base, "any", text="ab cd, " * (n // 7))
    # chat templates, in the tokenizer_config.json of a real model folder (stories260K converted with its tokenizer)
    model = work / "stories-hf"
    if not model.exists():
        subprocess.run(JAVA + ["convert", "--from", "llama2c", "--input", str(STORIES / "stories260K.bin"), "--tokenizer",
                               str(STORIES / "tok512.bin"), "--out", str(model)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    msgs = work / "messages.json"
    msgs.write_text(json.dumps([{"role": "user", "content": "hi"}]))
    conf = json.loads((model / "tokenizer_config.json").read_text())
    for label, tpl, expect in [
        ("valid template", "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}", "any"),
        ("syntax error", "{% for m in messages %}{{ m.content }", "fail"),
        ("range(10^8)", "{% for i in range(100000000) %}x{% endfor %}", "fail"),
        ("nested loops 10^4 x 10^4", "{% for i in range(10000) %}{% for j in range(10000) %}x{% endfor %}{% endfor %}", "fail"),
        ("string times 10^9", "{{ 'a' * 1000000000 }}", "fail"),
        ("recursive macro", "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "fail"),
        ("raise_exception", "{{ raise_exception('no system role') }}", "fail"),
        ("undefined variable", "{{ nope.deeper }}", "any"),
        ("not a string", 5, "fail"),
        ("list of named templates without default", [{"name": "tool_use", "template": "x"}], "fail"),
    ]:
        d = work / f"tpl-{len(cases)}"
        shutil.copytree(model, d)
        c = dict(conf)
        c["chat_template"] = tpl
        (d / "tokenizer_config.json").write_text(json.dumps(c))
        cases.append(dict(category="chat template", case=label, expect=expect,
                          argv=["chat-template", "--model", str(d), "--messages", str(msgs)],
                          names=["tokenizer_config.json", "chat template", "chat_template", "template", d.name]))
    return cases


# ---------- GGUF ----------

def gguf_layout(b):
    """Offsets of the header's fields, for patching: counts, each KV's value, each tensor's dims/type/offset."""
    pos = 4 + 4
    tensor_count, kv_count = struct.unpack_from("<QQ", b, pos)
    lay = {"tensor_count": pos, "kv_count": pos + 8, "kvs": {}, "tensors": []}
    pos += 16

    def string(p):
        n = struct.unpack_from("<Q", b, p)[0]
        return b[p + 8:p + 8 + n].decode(), p + 8 + n

    sizes = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}

    def value(t, p):
        if t in sizes:
            return p + sizes[t]
        if t == 8:
            return string(p)[1]
        et, n = struct.unpack_from("<IQ", b, p)
        p += 12
        for _ in range(n):
            p = value(et, p)
        return p

    for _ in range(kv_count):
        key, pos = string(pos)
        t = struct.unpack_from("<I", b, pos)[0]
        lay["kvs"][key] = (pos, t)
        pos = value(t, pos + 4)
    for _ in range(tensor_count):
        name, pos = string(pos)
        nd = struct.unpack_from("<I", b, pos)[0]
        lay["tensors"].append(dict(name=name, ndims=pos, dims=pos + 4, type=pos + 4 + 8 * nd, offset=pos + 4 + 8 * nd + 4))
        pos += 4 + 8 * nd + 4 + 8
    lay["header_end"] = pos
    return lay


def gguf_cases(work):
    base = GGUF.read_bytes()
    lay = gguf_layout(base)
    variants = {}

    def patch(at, fmt, v):
        m = bytearray(base)
        struct.pack_into(fmt, m, at, v)
        return bytes(m)

    for cut in [0, 3, 8, 20, lay["header_end"] // 2, lay["header_end"], len(base) - 1]:
        variants[f"truncated at {cut}"] = ("fail", base[:cut])
    variants["bad magic"] = ("fail", b"GGUX" + base[4:])
    for v in [0, 1, 99]:
        variants[f"version {v}"] = ("fail", patch(4, "<I", v))
    for v in [0, 2 ** 40, 2 ** 63]:
        variants[f"tensor count {v}"] = ("fail", patch(lay["tensor_count"], "<Q", v))
        variants[f"kv count {v}"] = ("fail", patch(lay["kv_count"], "<Q", v))
    t = lay["tensors"][2]
    for v in [0, 5, 2 ** 31]:
        variants[f"{t['name']} n_dims {v}"] = ("fail", patch(t["ndims"], "<I", v))
    for v in [0, 2 ** 40, 2 ** 63]:
        variants[f"{t['name']} dim {v}"] = ("fail", patch(t["dims"], "<Q", v))
    for v in [99, 2 ** 31]:
        variants[f"{t['name']} type {v}"] = ("fail", patch(t["type"], "<I", v))
    off = struct.unpack_from("<Q", base, t["offset"])[0]
    for v in [off + 1, off + 4, 2 ** 40, 2 ** 63]:
        variants[f"{t['name']} offset {v}"] = ("fail" if v != off + 4 else "any", patch(t["offset"], "<Q", v))
    for key, (pos, ty) in list(lay["kvs"].items())[:12]:
        if ty == 8:
            variants[f"{key} string length 2^62"] = ("fail", patch(pos + 4, "<Q", 2 ** 62))
        elif ty == 9:
            variants[f"{key} array count 2^40"] = ("fail", patch(pos + 4 + 4, "<Q", 2 ** 40))
        elif ty in (4, 5):
            for v in [0, 2 ** 31 - 1]:
                variants[f"{key} = {v}"] = ("any", patch(pos + 4, "<I", v))
        variants[f"{key} type 77"] = ("fail", patch(pos, "<I", 77))

    def with_kv(raw):  # one more KV pair at the end of the metadata, data re-aligned
        lay2 = lay
        first_tensor = min(x["ndims"] for x in lay2["tensors"]) - 8 - len(lay2["tensors"][0]["name"].encode())
        head = bytearray(base[:first_tensor])
        struct.pack_into("<Q", head, lay2["kv_count"], struct.unpack_from("<Q", base, lay2["kv_count"])[0] + 1)
        infos = base[first_tensor:lay2["header_end"]]
        out = bytes(head) + raw + infos
        align = 32
        data_start = (lay2["header_end"] + align - 1) // align * align
        out += b"\0" * ((-len(out)) % align)
        return out + base[data_start:]

    def key(k):
        return struct.pack("<Q", len(k)) + k.encode()

    nested = key("bomb") + struct.pack("<I", 9)
    for _ in range(200):
        nested += struct.pack("<IQ", 9, 2 ** 24)
    variants["metadata arrays nested 200 deep, 2^24 each"] = ("fail", with_kv(nested))
    deep = key("deep") + struct.pack("<I", 9) + struct.pack("<IQ", 9, 1) * 200000
    variants["metadata arrays nested 200,000 deep"] = ("fail", with_kv(deep))
    variants["metadata array of 8 x 2^24 u8 declared"] = ("fail", with_kv(key("wide") + struct.pack("<IIQ", 9, 0, 8 * 2 ** 24)))
    for v in [0, 1, 3, 2 ** 31]:
        variants[f"general.alignment = {v}"] = ("any" if v == 1 else "fail", with_kv(key("general.alignment") + struct.pack("<II", 4, v)))
    nan_at = (lay["header_end"] + 31) // 32 * 32 + struct.unpack_from("<Q", base, t["offset"])[0]
    if struct.unpack_from("<I", base, t["type"])[0] == 0:
        m = bytearray(base)
        struct.pack_into("<f", m, nan_at, float("nan"))
        variants[f"NaN in {t['name']}"] = ("fail", bytes(m))
    import random
    rnd = random.Random(11)
    for i in range(25):
        m = bytearray(base)
        for _ in range(rnd.randint(1, 3)):
            m[rnd.randrange(8, lay["header_end"])] = rnd.randrange(256)
        variants[f"header bytes flipped #{i}"] = ("any", bytes(m))
    cases = []
    for label, (expect, content) in variants.items():
        f = work / f"gguf-{len(cases)}.gguf"
        f.write_bytes(content)
        cases.append(dict(category="GGUF", case=label, expect=expect, numeric=True,
                          argv=["score", "--model", str(f), "--text-ids", "1,2,3", "--json"], names=[f.name]))
    return cases


# ---------- llama2.c checkpoint and tokenizer.bin ----------

def llama2c_cases(work):
    model = (STORIES / "stories260K.bin").read_bytes()
    tok = (STORIES / "tok512.bin").read_bytes()
    fields = ["dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"]
    cases = []

    def add(label, m, t, expect, names):
        d = work / f"l2c-{len(cases)}"
        d.mkdir()
        (d / "model.bin").write_bytes(m)
        (d / "tok.bin").write_bytes(t)
        cases.append(dict(category="llama2.c", case=label, expect=expect, numeric=True,
                          argv=["score", "--model", str(d / "model.bin"), "--tokenizer", str(d / "tok.bin"), "--text-ids", "1,2,3", "--json"],
                          names=names))

    for i, f in enumerate(fields):
        for v in [-1, 0, 2 ** 31 - 1, 3]:
            m = bytearray(model)
            struct.pack_into("<i", m, 4 * i, v)
            expect = "any" if (f == "vocab_size" and v == -1) or (f == "seq_len" and v == 3) else "fail"
            add(f"{f} = {v}", bytes(m), tok, expect, ["model.bin"])
    for cut in [0, 10, 28, len(model) // 2, len(model) - 1]:
        add(f"checkpoint truncated at {cut}", model[:cut], tok, "fail", ["model.bin"])
    m = bytearray(model)
    struct.pack_into("<f", m, 28 + 4 * 100, float("nan"))
    add("NaN weight", bytes(m), tok, "fail", ["model.bin"])
    for label, t2 in [("first token length 10^9", tok[:8] + struct.pack("<i", 10 ** 9) + tok[12:]),
                      ("first token length -3", tok[:8] + struct.pack("<i", -3) + tok[12:]),
                      ("truncated at 100", tok[:100]), ("empty", b"")]:
        add(f"tokenizer.bin {label}", model, t2, "fail", ["tok.bin"])
    for v in [2 ** 31 - 1, -1]:  # llama2.c's buffer-size hint: unused here, every token carries its own length
        add(f"tokenizer.bin max_token_length {v}", model, struct.pack("<i", v) + tok[4:], "any", ["tok.bin"])
    return cases


# ---------- unlearning data, flags and output paths ----------

def unlearn_cases(work):
    good = '{"prompt": "Once upon a time", "response": "there was a cat."}\n' * 4
    cases = []

    def add(category, label, forget, flags, expect, names, out=None, prepare=None):
        d = work / f"ul-{len(cases)}"
        d.mkdir()
        f = d / "forget.jsonl"
        f.write_bytes(forget if isinstance(forget, bytes) else forget.encode())
        o = out if out is not None else str(d / "out")
        if prepare:
            prepare(d, o)
        existed = o and Path(o).exists() and (Path(o) / "config.json").exists()
        cases.append(dict(category=category, case=label, expect=expect, outdir=o or None, out_existed=existed,
                          argv=["unlearn", "--method", "ga", "--steps", "2", "--forget", str(f), "--out", o] + flags, names=names))

    for label, data in [("invalid UTF-8", b'{"prompt": "a\xff\xfe", "response": "b"}\n'),
                        ("trailing garbage", good + '{"prompt": "a", "response": "b"} xyz\n'),
                        ("two objects on a line", good + '{"prompt": "a", "response": "b"}{"prompt": "c", "response": "d"}\n'),
                        ("missing response", '{"prompt": "a"}\n'), ("prompt a number", '{"prompt": 5, "response": "b"}\n'),
                        ("empty file", ""), ("only blank lines", "\n\n\n"), ("not JSON", "hello\n"),
                        ("nested 10^5", "[" * 100000 + "\n"), ("a JSON list line", "[1, 2]\n")]:
        add("unlearning JSONL", label, data, [], "fail", ["forget.jsonl"])
    add("unlearning JSONL", "BOM at the start", "\ufeff" + good, [], "any", ["forget.jsonl"])
    add("unlearning JSONL", "a 4 MB response (tokenization linear)", '{"prompt": "a", "response": "' + "ab cd. " * 600000 + '"}\n',
        ["--max-length", "64"], "any", ["forget.jsonl"])
    for flag, values in [("--lr", ["NaN", "Infinity", "-1"]), ("--steps", ["-1"]), ("--forget-batch", ["0", "-2"]),
                         ("--warmup-steps", ["-5"]), ("--weight-decay", ["-10", "NaN"]), ("--lora-rank", ["-1"]),
                         ("--epochs", ["NaN", "-1"]), ("--clip-norm", ["-1", "NaN"]), ("--max-length", ["0", "-1"]),
                         ("--grad-accum", ["0"]), ("--checkpoint-every", ["-1"]), ("--lora-alpha", ["NaN"]),
                         ("--lora-dropout", ["1.5", "-0.1"]), ("--seed", ["x"]), ("--param", ["nope=1", "beta"]),
                         ("--method", ["nope"]), ("--trainable", ["("])]:
        for v in values:
            add("unlearning flags", f"{flag} {v}", good, [flag, v], "fail", [flag, flag.lstrip("-"), v])
    add("output paths", "--out empty", good, [], "fail", ["--out", "out"], out="")
    add("output paths", "--out an existing file", good, [], "fail", ["--out", "out"],
        prepare=lambda d, o: Path(o).write_text("x"))
    add("output paths", "--out under a file", good, [], "fail", ["out", "--out", "a-file"],
        out=str(work / "a-file" / "sub"), prepare=lambda d, o: (work / "a-file").write_text("x"))
    add("output paths", "--out in /proc", good, [], "fail", ["--out", "/proc"], out="/proc/mubench-out")

    def finished(d, o):
        Path(o).mkdir()
        shutil.copy(FIXTURE / "config.json", Path(o) / "config.json")
        shutil.copy(FIXTURE / "model.safetensors", Path(o) / "model.safetensors")
    add("output paths", "--out a folder with a finished model", good, [], "fail", ["--out", "out", "exists", "empty"], prepare=finished)
    # --resume with nothing to resume starts the run (what a retry loop after a kill before the first write needs)
    add("output paths", "--resume an empty folder", good, ["--resume"], "any", ["--out", "out", "resume", "--resume"],
        prepare=lambda d, o: Path(o).mkdir())
    # convert: the tokenizer is checked before anything is written
    d = work / "conv"
    d.mkdir()
    (d / "bad.bin").write_bytes(b"\0" * 10)
    cases.append(dict(category="output paths", case="convert with a bad --tokenizer", expect="fail", outdir=str(d / "out"),
                      argv=["convert", "--from", "llama2c", "--input", str(STORIES / "stories260K.bin"), "--tokenizer", str(d / "bad.bin"),
                            "--out", str(d / "out")], names=["bad.bin"]))
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=float, default=60)
    ap.add_argument("--only")
    ap.add_argument("--out", default=str(ROOT / "bench-out/hostile"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="mubench-hostile-"))
    cwd = work / "cwd"
    cwd.mkdir()
    frozen_cli(work)
    groups = [safetensors_cases, config_cases, tokenizer_cases, gguf_cases, llama2c_cases, unlearn_cases]
    cases = [c for g in groups for c in g(work)]
    if args.only:
        cases = [c for c in cases if args.only.lower() in c["category"].lower()]
    bases = {}
    base_fixture = run(["score", "--model", str(FIXTURE), "--text-ids", "1,2,3,4", "--json"], args.limit, cwd)
    bases["safetensors"] = base_fixture[3]
    print(f"{len(cases)} cases in {work}", file=sys.stderr)
    results = []
    with open(out / "cases.jsonl", "w") as log:
        for i, c in enumerate(cases):
            rc, secs, rss, so, se, hs = run(c["argv"], args.limit, cwd)
            outcome = classify(c, rc, so, se, hs, bases.get(c["category"]), c.get("names"))
            r = dict(category=c["category"], case=c["case"], expect=c["expect"], rc=rc, seconds=round(secs, 1),
                     max_rss_mib=round(rss), outcome=outcome, stderr=se.strip()[-300:], stdout=so.strip()[:200])
            results.append(r)
            log.write(json.dumps(r) + "\n")
            log.flush()
            print(f"[{i + 1}/{len(cases)}] {outcome:8} {c['category']}: {c['case']} (rc {rc}, {secs:.1f} s, {rss:.0f} MiB)", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    cats = sorted({r["category"] for r in results}, key=lambda k: [r["category"] for r in results].index(k))
    kinds = ["ok", "crash", "hang", "trace", "garbage", "stale", "vague"]
    print("| input | cases | " + " | ".join(kinds) + " | max RSS (MiB) | longest (s) |")
    print("|---|---|" + "---|" * len(kinds) + "---|---|")
    for cat in cats:
        rs = [r for r in results if r["category"] == cat]
        print(f"| {cat} | {len(rs)} | " + " | ".join(str(sum(r['outcome'] == k for r in rs)) for k in kinds)
              + f" | {max(r['max_rss_mib'] for r in rs)} | {max(r['seconds'] for r in rs)} |")
    print(f"| all | {len(results)} | " + " | ".join(str(sum(r['outcome'] == k for r in results)) for k in kinds)
          + f" | {max(r['max_rss_mib'] for r in results)} | {max(r['seconds'] for r in results)} |")


if __name__ == "__main__":
    main()
