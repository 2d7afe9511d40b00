#!/usr/bin/env bash
# HF checkpoints against transformers (tests/py/hf_model_ref.py): tiny LLaMA, Qwen2, Mistral and
# LLaVA-1.5 models with random weights; logits, greedy tokens, save/load round trips, errors.
# Needs the reference venv (CF_VENV, default /opt/cf-venv, made by tools/bootstrap.sh): without it
# the test fails (CI is meant to run it; a skip would pass silently).
source "$(dirname "$0")/common.sh"
VENV_PY=${CF_VENV:-/opt/cf-venv}/bin/python
if ! [ -x "$VENV_PY" ] || ! "$VENV_PY" -c "import transformers, safetensors" 2>/dev/null; then
  echo "FAIL: no python venv with transformers and safetensors at ${CF_VENV:-/opt/cf-venv} (tools/bootstrap.sh creates it)"
  exit 1
fi
[ -x "$BUILD/jobs/cf-convert" ] || { echo "missing $BUILD/jobs/cf-convert"; exit 1; }
OMP_NUM_THREADS=1 "$VENV_PY" "$SRC/tests/py/hf_model_ref.py" "$BUILD" "$SCRATCH"
