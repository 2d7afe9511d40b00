#!/usr/bin/env bash
# HF checkpoints against transformers (tests/py/hf_model_ref.py): tiny LLaMA, Qwen2, Mistral and
# LLaVA-1.5 models with random weights; logits, greedy tokens, save/load round trips, errors.
# Needs the venv /opt/cf-venv (transformers, made by tools/bootstrap.sh); exits 77 (skip) without it.
source "$(dirname "$0")/common.sh"
VENV_PY=${CF_VENV:-/opt/cf-venv}/bin/python
if ! [ -x "$VENV_PY" ] || ! "$VENV_PY" -c "import transformers, safetensors" 2>/dev/null; then
  echo "SKIP: no python venv with transformers at ${CF_VENV:-/opt/cf-venv} (tools/bootstrap.sh creates it)"
  exit 77
fi
[ -x "$BUILD/jobs/cf-convert" ] || { echo "missing $BUILD/jobs/cf-convert"; exit 1; }
OMP_NUM_THREADS=1 "$VENV_PY" "$SRC/tests/py/hf_model_ref.py" "$BUILD" "$SCRATCH"
