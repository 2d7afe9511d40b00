#!/usr/bin/python3
"""PyTorch (Python) baseline of cf-train's SFT step, for tools/bench/bench_train.sh.

Same model as src/model (CLIP-style ViT with quick-GELU, feature layer -2, no CLS; 2-layer GELU
projector; LLaMA-style LM with RMSNorm in fp32, RoPE, GQA via repeat_interleave, SwiGLU,
untied head), same parameter names (so `--save-init` writes a safetensors file cf-train loads
with model.init), same step as src/train/sft_step.cpp:
  bf16 parameters and activations; the global batch in cf-train's order (epoch_order of
  src/train/token_data.cpp) cut into micro-batches; per micro-batch forward, fp32 log-softmax
  NLL over answer tokens / answer tokens of the global batch, backward, bf16 gradients added
  into fp32 master gradients; global-norm clip; AdamW (torch.optim.AdamW, decay on matrices
  only) on fp32 master weights; copy back to the bf16 parameters. LR: warmup + cosine.
Data: the tokenized shards (docs/stages/tokenizer.md) read with h5py; JPEGs decoded and resized
per step with cv2 (INTER_CUBIC, CLIP mean/std) when python3-opencv is installed, else the
pixels are seeded random numbers of the same shape (printed as "pixels": "random").

  train_baseline.py --data DIR --preset configs/model/tiny.toml --steps 20 [--threads T]

Prints one JSON line: per-step seconds/tokens/loss, tokens/s over steps after --warmup, the
model FLOPs of the timed steps (formula in flops_per_micro_batch), parameter count.
"""
import argparse
import glob
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "py"))
import shards  # noqa: E402

try:
    import tomllib  # Python >= 3.11
except ImportError:  # pragma: no cover
    tomllib = None
try:
    import cv2
except ImportError:
    cv2 = None


def load_preset(path):
    with open(path, "rb") as f:
        c = tomllib.load(f)
    return c


class ClipLayer(nn.Module):
    def __init__(self, v):
        super().__init__()
        d, eps = v["hidden"], v["norm_eps"]
        self.heads = v["heads"]
        self.layer_norm1 = nn.LayerNorm(d, eps=eps)
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))
        self.layer_norm2 = nn.LayerNorm(d, eps=eps)
        self.fc1 = nn.Linear(d, v["mlp"])
        self.fc2 = nn.Linear(v["mlp"], d)

    def forward(self, x):
        n, s, d = x.shape
        hd = d // self.heads
        h = self.layer_norm1(x)
        split = lambda t: t.view(n, s, self.heads, hd).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.q_proj(h)), split(self.k_proj(h)), split(self.v_proj(h))
        att = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
        att = torch.softmax(att, -1, dtype=torch.float).to(v.dtype)
        o = torch.matmul(att, v).transpose(1, 2).reshape(n, s, d)
        x = x + self.out_proj(o)
        h = self.fc1(self.layer_norm2(x))
        h = h * torch.sigmoid(1.702 * h)
        return x + self.fc2(h)


class VisionTower(nn.Module):
    def __init__(self, v):
        super().__init__()
        self.v = v
        d, p = v["hidden"], v["patch_size"]
        patches = (v["image_size"] // p) ** 2
        self.patch_embedding = nn.Conv2d(3, d, p, stride=p, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(d) * 0.02)
        self.position_embedding = nn.Embedding(patches + 1, d)
        self.pre_layrnorm = nn.LayerNorm(d, eps=v["norm_eps"])
        self.layers = nn.ModuleList(ClipLayer(v) for _ in range(v["layers"]))
        self.post_layernorm = nn.LayerNorm(d, eps=v["norm_eps"])  # unused by LLaVA, kept for parity

    def forward(self, images):
        x = self.patch_embedding(images.to(self.patch_embedding.weight.dtype)).flatten(2).transpose(1, 2)
        cls = self.class_embedding.view(1, 1, -1).expand(x.size(0), 1, -1)
        x = self.pre_layrnorm(torch.cat([cls, x], 1) + self.position_embedding.weight.unsqueeze(0))
        fl = self.v.get("feature_layer", -2)
        stop = len(self.layers) + 1 + fl if fl < 0 else fl
        for layer in self.layers[:stop]:
            x = layer(x)
        return x[:, 1:]


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        xf = x.float()
        xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * xf.to(x.dtype)


def rotate_half(x):
    h = x.size(-1) // 2
    return torch.cat([-x[..., h:], x[..., :h]], -1)


class LlamaLayer(nn.Module):
    def __init__(self, t):
        super().__init__()
        self.t = t
        h, hd = t["hidden"], t["hidden"] // t["heads"]
        kv = t["kv_heads"] * hd
        self.input_layernorm = RMSNorm(h, t["norm_eps"])
        self.q_proj = nn.Linear(h, h, bias=False)
        self.k_proj = nn.Linear(h, kv, bias=False)
        self.v_proj = nn.Linear(h, kv, bias=False)
        self.o_proj = nn.Linear(h, h, bias=False)
        self.post_attention_layernorm = RMSNorm(h, t["norm_eps"])
        self.gate_proj = nn.Linear(h, t["ffn"], bias=False)
        self.up_proj = nn.Linear(h, t["ffn"], bias=False)
        self.down_proj = nn.Linear(t["ffn"], h, bias=False)

    def forward(self, x, cos, sin, mask):
        b, n = x.shape[:2]
        heads, kvh = self.t["heads"], self.t["kv_heads"]
        hd = self.t["hidden"] // heads
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(b, n, heads, hd).transpose(1, 2)
        k = self.k_proj(h).view(b, n, kvh, hd).transpose(1, 2)
        v = self.v_proj(h).view(b, n, kvh, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if heads // kvh > 1:
            k = k.repeat_interleave(heads // kvh, 1)
            v = v.repeat_interleave(heads // kvh, 1)
        att = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(hd)) + mask.to(q.dtype)
        att = torch.softmax(att, -1, dtype=torch.float).to(v.dtype)
        o = torch.matmul(att, v).transpose(1, 2).reshape(b, n, self.t["hidden"])
        x = x + self.o_proj(o)
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class LanguageModel(nn.Module):
    def __init__(self, t):
        super().__init__()
        self.t = t
        self.embed_tokens = nn.Embedding(t["vocab"], t["hidden"])
        self.layers = nn.ModuleList(LlamaLayer(t) for _ in range(t["layers"]))
        self.norm = RMSNorm(t["hidden"], t["norm_eps"])
        self.lm_head = nn.Linear(t["hidden"], t["vocab"], bias=False)

    def forward_hidden(self, x):
        n = x.size(1)
        hd = self.t["hidden"] // self.t["heads"]
        inv = torch.pow(self.t["rope_theta"], -torch.arange(0, hd, 2, dtype=torch.float) / hd)
        freqs = torch.outer(torch.arange(n).float(), inv)
        emb = torch.cat([freqs, freqs], -1)
        cos, sin = emb.cos().to(x.dtype), emb.sin().to(x.dtype)
        pos = torch.arange(n)
        allowed = (pos.view(1, n) <= pos.view(n, 1)).view(1, 1, n, n)
        mask = torch.zeros(allowed.shape).masked_fill(~allowed, -1e9)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.norm(x)


class Vlm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.image_token_id = c["model"]["image_token_id"]
        t = c["text"]
        self.vision_tower = VisionTower(c["vision"])
        self.multi_modal_projector = nn.Sequential(nn.Linear(c["vision"]["hidden"], t["hidden"]), nn.GELU(),
                                                   nn.Linear(t["hidden"], t["hidden"]))
        self.language_model = LanguageModel(t)

    def forward_hidden(self, ids, images):
        embeds = self.language_model.embed_tokens(ids)
        is_image = ids.eq(self.image_token_id)
        feats = self.multi_modal_projector(self.vision_tower(images)).to(embeds.dtype)
        if int(is_image.sum()) > 0:
            embeds = embeds.masked_scatter(is_image.unsqueeze(-1), feats.reshape(-1, embeds.size(2)))
        else:  # as cf-train: blank image with zero weight keeps the graph the same
            embeds = embeds + 0.0 * feats.sum()
        return self.language_model.forward_hidden(embeds)


def flops_per_micro_batch(c, b, n, n_images):
    """Model FLOPs of forward + backward (3x forward) of one micro-batch as computed (padded):
    every matmul is 2*m*k*n forward; attention scores and weighted sums are full T x T (the
    implementation does not skip masked entries). Norms, softmax, RoPE, AdamW are not counted.
      LM:      B*T * 2*(L*(2h^2 + 2h*kv + 3h*ffn)) + B*(T-1) * 2*h*V + L * B * 4*T^2*h
      vision:  N*P * 2*(3*p^2*dv) + N*S * 2*(L'*(4dv^2 + 2dv*mlp)) + L' * N * 4*S^2*dv
               (S = P + 1 tokens incl. CLS, L' = layers actually run: L + 1 + feature_layer)
      proj:    N*P * 2*(dv*h + h^2)
    """
    v, t = c["vision"], c["text"]
    h, hd = t["hidden"], t["hidden"] // t["heads"]
    kv, ll = t["kv_heads"] * hd, t["layers"]
    lm = b * n * 2 * ll * (2 * h * h + 2 * h * kv + 3 * h * t["ffn"]) + b * (n - 1) * 2 * h * t["vocab"]
    lm += ll * b * 4 * n * n * h
    dv, p = v["hidden"], (v["image_size"] // v["patch_size"]) ** 2
    fl = v.get("feature_layer", -2)
    lv = v["layers"] + 1 + fl if fl < 0 else fl
    s = p + 1
    vis = n_images * p * 2 * 3 * v["patch_size"] ** 2 * dv
    vis += n_images * s * 2 * lv * (4 * dv * dv + 2 * dv * v["mlp"]) + lv * n_images * 4 * s * s * dv
    proj = n_images * p * 2 * (dv * h + h * h)
    return 3 * (lm + vis + proj)


def epoch_order(n, seed, epoch):
    """src/train/token_data.cpp epoch_order: Fisher-Yates driven by SplitMix64."""
    m = (1 << 64) - 1
    state = (seed * 0x100000001B3 + epoch) & m
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        state = (state + 0x9E3779B97F4A7C15) & m
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
        z ^= z >> 31
        j = z % (i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def load_samples(data_dir):
    out = []
    for path in shards.shard_paths(data_dir):
        _, tables = shards.read_shard(path)
        it, im = tables["items"], tables.get("tables/images", {})
        rows = list(im.get("item_row", []))
        for r in range(len(it["input_ids"])):
            out.append({"ids": np.frombuffer(it["input_ids"][r], dtype="<i4").astype(np.int64),
                        "mask": np.frombuffer(it["loss_mask"][r], dtype=np.uint8).astype(np.float32),
                        "images": [im["image"][i] for i, x in enumerate(rows) if x == r]})
    return out


MEAN = np.array([0.48145466, 0.4578275, 0.40821073], np.float32).reshape(3, 1, 1)
STD = np.array([0.26862954, 0.26130258, 0.27577711], np.float32).reshape(3, 1, 1)


def pixels(jpeg, size, seed):
    if cv2 is None:
        return np.random.default_rng(seed).standard_normal((3, size, size), dtype=np.float32)
    bgr = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    rgb = cv2.resize(bgr, (size, size), interpolation=cv2.INTER_CUBIC)[:, :, ::-1].transpose(2, 0, 1)
    return (rgb.astype(np.float32) / 255.0 - MEAN) / STD


def collate(samples, idx, size, pad_id):
    """src/train/batch.cpp collate: right-padded ids, shifted targets, answer-token weights."""
    longest = max(2, max(len(samples[i]["ids"]) for i in idx))
    ids = torch.full((len(idx), longest), pad_id, dtype=torch.long)
    mask = torch.zeros((len(idx), longest))
    imgs, tokens = [], 0
    for row, i in enumerate(idx):
        s = samples[i]
        ids[row, :len(s["ids"])] = torch.from_numpy(s["ids"])
        mask[row, :len(s["mask"])] = torch.from_numpy(s["mask"])
        tokens += len(s["ids"])
        imgs += [pixels(j, size, i * 1000 + k) for k, j in enumerate(s["images"])]
    images = torch.from_numpy(np.stack(imgs)) if imgs else torch.zeros(1, 3, size, size)
    return ids, ids[:, 1:], mask[:, 1:].contiguous(), images, tokens, len(imgs)


def save_safetensors(model, path):
    """Writes the bf16 parameters in the safetensors layout (for cf-train's model.init)."""
    header, blobs, off = {}, [], 0
    for name, p in sorted(model.named_parameters()):
        raw = p.detach().contiguous().view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": "BF16", "shape": list(p.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(len(head).to_bytes(8, "little") + head)
        for b in blobs:
            f.write(b)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--preset", required=True)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2, help="steps left out of tokens/s")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--global-batch", type=int, default=8)
    ap.add_argument("--micro-batch", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=1e-6)
    ap.add_argument("--seed", type=int, default=42, help="data.seed")
    ap.add_argument("--init-seed", type=int, default=0)
    ap.add_argument("--save-init", default="", help="write the initial weights (safetensors) here")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.init_seed)
    c = load_preset(a.preset)
    model = Vlm(c).to(torch.bfloat16)
    if a.save_init:
        save_safetensors(model, a.save_init)
    params = list(model.parameters())
    masters = [p.detach().float().clone().requires_grad_(True) for p in params]
    for m in masters:
        m.grad = torch.zeros_like(m)
    opt = torch.optim.AdamW([{"params": [m for m in masters if m.dim() >= 2], "weight_decay": 0.1},
                             {"params": [m for m in masters if m.dim() < 2], "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.95), eps=1e-8)
    samples = load_samples(a.data)
    steps_per_epoch = len(samples) // a.global_batch
    total = steps_per_epoch * a.epochs
    warm = math.ceil(0.01 * total)
    size = c["vision"]["image_size"]
    log, order, order_epoch = [], None, -1
    for step in range(a.steps):
        t0 = time.perf_counter()
        epoch = step // steps_per_epoch
        if epoch != order_epoch:
            order, order_epoch = epoch_order(len(samples), a.seed, epoch), epoch
        base = (step % steps_per_epoch) * a.global_batch
        batch = order[base:base + a.global_batch]
        micro = [collate(samples, batch[j:j + a.micro_batch], size, 0) for j in range(0, len(batch), a.micro_batch)]
        norm = max(1.0, float(sum(mb[2].sum() for mb in micro)))
        for m in masters:
            m.grad.zero_()
        loss_sum, flops = 0.0, 0
        for ids, targets, weights, images, _, n_img in micro:
            hidden = model.forward_hidden(ids, images.to(torch.bfloat16))
            logits = model.language_model.lm_head(hidden[:, :-1])
            logp = torch.log_softmax(logits.float(), -1)
            nll = -(logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1) * weights).sum()
            (nll / norm).backward()
            for p, m in zip(params, masters):  # bf16 grads -> fp32 accumulators, as the ZeRO buckets
                if p.grad is not None:
                    m.grad.add_(p.grad)
                    p.grad = None
            loss_sum += nll.item()
            flops += flops_per_micro_batch(c, ids.size(0), ids.size(1), n_img)
        gnorm = float(torch.nn.utils.clip_grad_norm_(masters, 1.0))
        progress = min(1.0, (step - warm) / max(1, total - warm))
        lr = a.lr * (step + 1) / (warm + 1) if step < warm else a.lr * 0.5 * (1 + math.cos(math.pi * progress))
        for g in opt.param_groups:
            g["lr"] = lr
        opt.step()
        with torch.no_grad():
            for p, m in zip(params, masters):
                p.copy_(m)
        secs = time.perf_counter() - t0
        log.append({"step": step + 1, "seconds": secs, "tokens": sum(mb[4] for mb in micro),
                    "loss": loss_sum / norm, "grad_norm": gnorm, "flops": flops})
        print(f"step {step + 1}/{a.steps} loss {loss_sum / norm:.4f} grad_norm {gnorm:.3f} "
              f"{log[-1]['tokens'] / secs:.0f} tok/s", file=sys.stderr)
    timed = log[a.warmup:] or log
    secs = sum(r["seconds"] for r in timed)
    print(json.dumps({"baseline": "pytorch", "torch": torch.__version__, "threads": a.threads,
                      "pixels": "cv2" if cv2 is not None else "random", "parameters": sum(p.numel() for p in params),
                      "tokens_per_s": sum(r["tokens"] for r in timed) / secs,
                      "flops_per_s": sum(r["flops"] for r in timed) / secs,
                      "flops_per_token": sum(r["flops"] for r in timed) / sum(r["tokens"] for r in timed),
                      "steps": log}))


if __name__ == "__main__":
    main()
