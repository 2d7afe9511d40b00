"""Writes a random-weight LlamaForCausalLM checkpoint in the HF layout (config.json +
model.safetensors, bf16) without torch or transformers: numpy and the safetensors format.
Usage: make_hf_checkpoint.py OUT_DIR [hidden=2048] [layers=8] [vocab=32000]
Default: ~540 M parameters, ~1.08 GB (tools/bench/bench_hf_load.sh)."""
import json
import os
import sys

import numpy as np

out = sys.argv[1]
hidden = int(sys.argv[2]) if len(sys.argv) > 2 else 2048
layers = int(sys.argv[3]) if len(sys.argv) > 3 else 8
vocab = int(sys.argv[4]) if len(sys.argv) > 4 else 32000
heads, kv_heads, ffn = hidden // 128, hidden // 512, hidden * 11 // 4
kv = kv_heads * 128
shapes = {"model.embed_tokens.weight": [vocab, hidden], "model.norm.weight": [hidden], "lm_head.weight": [vocab, hidden]}
for i in range(layers):
    p = f"model.layers.{i}."
    shapes.update({p + "self_attn.q_proj.weight": [hidden, hidden], p + "self_attn.k_proj.weight": [kv, hidden],
                   p + "self_attn.v_proj.weight": [kv, hidden], p + "self_attn.o_proj.weight": [hidden, hidden],
                   p + "mlp.gate_proj.weight": [ffn, hidden], p + "mlp.up_proj.weight": [ffn, hidden],
                   p + "mlp.down_proj.weight": [hidden, ffn], p + "input_layernorm.weight": [hidden],
                   p + "post_attention_layernorm.weight": [hidden]})
header, offset = {"__metadata__": {"format": "pt"}}, 0
for name in sorted(shapes):
    n = int(np.prod(shapes[name])) * 2
    header[name] = {"dtype": "BF16", "shape": shapes[name], "data_offsets": [offset, offset + n]}
    offset += n
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
with open(os.path.join(out, "model.safetensors"), "wb") as f:
    f.write(np.uint64(len(h)).tobytes() + h)
    for name in sorted(shapes):
        x = (rng.standard_normal(int(np.prod(shapes[name])), dtype=np.float32) * 0.02).view(np.uint32)
        f.write((x >> 16).astype(np.uint16).tobytes())  # bf16 = top half of fp32
config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": hidden,
          "intermediate_size": ffn, "num_hidden_layers": layers, "num_attention_heads": heads,
          "num_key_value_heads": kv_heads, "vocab_size": vocab, "max_position_embeddings": 4096,
          "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "tie_word_embeddings": False, "torch_dtype": "bfloat16"}
json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
print(offset)
