"""Reference test of cf-convert's HF checkpoint loading/saving against transformers.

Builds tiny random-weight models with the real transformers classes (LLaMA with GQA and
attention/MLP biases, Qwen2 with
q/k/v biases and tied embeddings, Mistral with a sliding window shorter than the prompt,
LLaVA-1.5 with a tiny CLIP vision tower), saves them with save_pretrained(safe_serialization=True)
and checks that cornerforge (cf-convert run) computes the same thing:
  - fp32 logits of a prompt: max|ours - hf| / max|hf| < 1e-4;
  - bf16 (our model in bf16 vs transformers in fp32): the same ratio < 2x that of transformers'
    own bf16 model + 5e-3 (and < 0.1);
  - 32 greedy tokens identical;
  - HF -> ours -> HF (and a sharded HF save) loads in transformers with the same logits;
  - a missing tensor, a wrong shape, an unknown architecture: an error naming it;
  - cf-convert inspect and cf-train --dry-run count the parameters transformers has.
Usage: hf_model_ref.py BUILD_DIR SCRATCH_DIR
"""
import copy
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import torch
import transformers
from safetensors.torch import load_file, save_file

BUILD, SCRATCH = sys.argv[1], sys.argv[2]
TOOL = os.path.join(BUILD, "jobs", "cf-convert")
FP32_BOUND = 1e-4
BF16_SLACK, BF16_CAP = 5e-3, 0.1  # bf16 has an 8-bit mantissa: ~0.4% per rounding, accumulated over layers
torch.manual_seed(0)
transformers.logging.set_verbosity_error()
transformers.logging.disable_progress_bar()
# generate() asks whether FSDP manages the model; importing torch 1.13's FSDP fails on Python 3.11.
transformers.generation.utils.is_fsdp_managed_module = lambda *_: False
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def tool(*args, expect_ok=True):
    p = subprocess.run([TOOL, *map(str, args)], capture_output=True, text=True)
    if expect_ok and p.returncode != 0:
        raise SystemExit(f"cf-convert {' '.join(map(str, args))} failed ({p.returncode}):\n{p.stderr}")
    return p


def ours(path, ids, pixels=None, dtype="auto", generate=0):
    out = os.path.join(SCRATCH, "logits.f32")
    args = ["run", path, "--ids", ",".join(map(str, ids)), "--logits", out, "--dtype", dtype]
    if pixels is not None:
        px = os.path.join(SCRATCH, "pixels.f32")
        pixels.numpy().astype(np.float32).tofile(px)
        args += ["--pixels", px]
    if generate:
        args += ["--generate", generate]
    r = json.loads(tool(*args).stdout)
    logits = np.fromfile(out, dtype=np.float32).reshape(r["logits_shape"])
    return logits, r.get("tokens", [])


def hf_logits(model, ids, pixels=None):
    with torch.no_grad():
        kw = {"pixel_values": pixels} if pixels is not None else {}
        return model(input_ids=torch.tensor([ids]), **kw).logits.float().numpy()


def hf_greedy(model, ids, pixels, n, suppress):
    model.generation_config.eos_token_id = None
    model.generation_config.pad_token_id = 0
    kw = {"pixel_values": pixels} if pixels is not None else {}
    if suppress is not None:
        kw["suppress_tokens"] = [suppress]
    with torch.no_grad():
        out = model.generate(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                             max_new_tokens=n, min_new_tokens=n, do_sample=False, **kw)
    return out[0, len(ids):].tolist()


def rel(a, b):
    return float(np.abs(a - b).max() / np.abs(b).max())


def text_config(cls, **kw):
    base = dict(vocab_size=256, hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
                num_key_value_heads=2, max_position_embeddings=128, initializer_range=0.25)
    base.update(kw)
    return cls(**base)


def build(name):
    if name == "llama":
        cfg = text_config(transformers.LlamaConfig, rms_norm_eps=1e-5, rope_theta=500000.0, attention_bias=True, mlp_bias=True)
        return transformers.LlamaForCausalLM(cfg), None, None
    if name == "qwen2":
        cfg = text_config(transformers.Qwen2Config, rope_theta=1e6, tie_word_embeddings=True, num_key_value_heads=1)
        return transformers.Qwen2ForCausalLM(cfg), None, None
    if name == "mistral":
        cfg = text_config(transformers.MistralConfig, sliding_window=8)
        return transformers.MistralForCausalLM(cfg), None, None
    vision = transformers.CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                                           num_attention_heads=4, image_size=32, patch_size=8, projection_dim=32)
    text = text_config(transformers.LlamaConfig)
    cfg = transformers.LlavaConfig(vision_config=vision, text_config=text, image_token_index=250,
                                   image_seq_length=16, vision_feature_layer=-2)
    model = transformers.LlavaForConditionalGeneration(cfg)
    with torch.no_grad():  # LLaVA's init leaves some CLIP tensors at zero/one: randomize every tensor
        for p in model.parameters():
            p.normal_(0, 0.1)
    return model, torch.randn(1, 3, 32, 32), 250


def prompt(name):
    ids = [1, 17, 42, 99, 7, 201, 33, 64, 5, 180, 77, 12]
    return ids[:3] + [250] * 16 + ids[3:] if name == "llava" else ids


def run_case(name):
    model, pixels, image_token = build(name)
    model.eval()
    src = os.path.join(SCRATCH, name)
    model.save_pretrained(src, safe_serialization=True)
    ids = prompt(name)
    ref = hf_logits(model, ids, pixels)
    got, tokens = ours(src, ids, pixels, generate=32)
    check(got.shape == ref.shape and rel(got, ref) < FP32_BOUND, f"{name}: fp32 logits rel err {rel(got, ref):.2e} < {FP32_BOUND}")
    want = hf_greedy(model, ids, pixels, 32, image_token)
    check(tokens == want, f"{name}: 32 greedy tokens identical ({tokens[:8]}...)")
    # bf16: our error against the fp32 reference is within twice transformers' own bf16 error.
    got16, _ = ours(src, ids, pixels, dtype="bf16")
    hf16 = copy.deepcopy(model).to(torch.bfloat16)
    err16 = rel(hf_logits(hf16, ids, None if pixels is None else pixels.to(torch.bfloat16)), ref)
    bound = min(2 * err16 + BF16_SLACK, BF16_CAP)
    check(rel(got16, ref) < bound, f"{name}: bf16 logits rel err {rel(got16, ref):.2e} < {bound:.2e} "
          f"(transformers bf16: {err16:.2e})")
    info = json.loads(tool("inspect", src).stdout)
    n = sum(p.numel() for p in model.parameters())
    check(info["weights"]["parameters"] == n == info["model"]["parameters_from_config"],
          f"{name}: inspect: {info['architecture']}, {n} parameters (files, config, transformers agree)")
    plan = subprocess.run([os.path.join(BUILD, "jobs", "cf-train"), "--dry-run", "--world", "4", "--set", f"model.init={src}",
                           "--set", f"io.output={SCRATCH}/dry_{name}"], capture_output=True, text=True)
    summary = json.loads(plan.stdout.strip().splitlines()[-1]) if plan.returncode == 0 else {}
    check(summary.get("parameters") == n and summary.get("optimizer_bytes") == 12 * ((n + 3) // 4),
          f"{name}: cf-train --dry-run plan for world 4 ({summary.get('total_bytes')} bytes per GPU)")
    # HF -> ours -> HF; the result loads in transformers with the same logits.
    mine, back = os.path.join(SCRATCH, name + "_ours"), os.path.join(SCRATCH, name + "_back")
    tool("convert", src, mine)
    tool("convert", mine, back, "--to", "hf")
    got_ours, _ = ours(mine, ids, pixels)
    check(np.array_equal(got_ours, got), f"{name}: our layout gives the same logits")
    reloaded = type(model).from_pretrained(back).eval()
    check(rel(hf_logits(reloaded, ids, pixels), ref) == 0.0, f"{name}: our saved checkpoint loads in transformers, same logits")
    # Sharded save (index + several files), read by transformers and by us.
    sharded = os.path.join(SCRATCH, name + "_sharded")
    tool("convert", src, sharded, "--to", "hf", "--max-shard-bytes", 60000)
    n_files = len([f for f in os.listdir(sharded) if f.endswith(".safetensors")])
    resharded = type(model).from_pretrained(sharded).eval()
    check(n_files > 1 and rel(hf_logits(resharded, ids, pixels), ref) == 0.0,
          f"{name}: sharded save ({n_files} files) loads in transformers, same logits")
    got_sh, _ = ours(sharded, ids, pixels)
    check(np.array_equal(got_sh, got), f"{name}: sharded checkpoint loads in cornerforge, same logits")
    if name == "llava":  # the transformers >= 4.52 key layout (model.language_model.*, lm_head.*, ...)
        new = os.path.join(SCRATCH, "llava_new_keys")
        shutil.copytree(src, new)
        t = load_file(new + "/model.safetensors")
        renames = [("vision_tower.", "model.vision_tower."), ("multi_modal_projector.", "model.multi_modal_projector."),
                   ("language_model.model.", "model.language_model."), ("language_model.lm_head.", "lm_head.")]
        t = {next((to + k[len(fr):] for fr, to in renames if k.startswith(fr)), k): v for k, v in t.items()}
        save_file(t, new + "/model.safetensors", metadata={"format": "pt"})
        got_new, _ = ours(new, ids, pixels)
        check(np.array_equal(got_new, got), "llava: the transformers >= 4.52 key layout loads, same logits")
    return src


def broken(src, name, edit):
    dst = os.path.join(SCRATCH, name)
    shutil.copytree(src, dst)
    edit(dst)
    return tool("inspect", dst, "--check", expect_ok=False)


def drop(key):
    def edit(d):
        t = load_file(d + "/model.safetensors")
        del t[key]
        save_file(t, d + "/model.safetensors", metadata={"format": "pt"})
    return edit


def reshape(key):
    def edit(d):
        t = load_file(d + "/model.safetensors")
        t[key] = t[key][:-1].contiguous()
        save_file(t, d + "/model.safetensors", metadata={"format": "pt"})
    return edit


def rename_arch(d):
    c = json.load(open(d + "/config.json"))
    c["architectures"] = ["GPT2LMHeadModel"]
    json.dump(c, open(d + "/config.json", "w"))


def main():
    print(f"transformers {transformers.__version__}, torch {torch.__version__}")
    srcs = {name: run_case(name) for name in ["llama", "qwen2", "mistral", "llava"]}
    key = "model.layers.1.self_attn.k_proj.weight"
    r = broken(srcs["llama"], "missing", drop(key))
    check(r.returncode != 0 and key in r.stderr and "missing" in r.stderr, f"missing tensor named: {r.stderr.strip()[:160]}")
    key = "language_model.model.layers.0.mlp.up_proj.weight"
    r = broken(srcs["llava"], "shape", reshape(key))
    check(r.returncode != 0 and key in r.stderr and "shape" in r.stderr, f"wrong shape named: {r.stderr.strip()[:160]}")
    r = broken(srcs["qwen2"], "arch", rename_arch)
    check(r.returncode == 2 and "GPT2LMHeadModel" in r.stderr, f"unknown architecture named: {r.stderr.strip()[:160]}")
    if failures:
        raise SystemExit(f"{len(failures)} check(s) failed: {failures}")
    print("all HF model reference checks passed")


main()
