#!/usr/bin/env bash
# HF tokenizer.json tokenizers in C++ (src/tokenize/hf) give exactly the ids, decoded text and
# LLaVA-1.5 chat ids + loss mask of HF `tokenizers`: tests/py/hf_tokenizer_ref.py trains small
# byte-level (Qwen2 / LLaMA-3 / GPT-2 layouts) and sentencepiece-style (LLaMA-2 / Mistral
# layouts) tokenizers locally and compares on a corpus with whitespace runs, digits, emoji,
# CJK / Arabic / Devanagari and special tokens. Needs the reference venv (tools/bootstrap.sh).
source "$(dirname "$0")/common.sh"
"$SRC/tools/pyref" "$SRC/tests/py/hf_tokenizer_ref.py" "$BUILD/tests/cf-test-hf-tokenize" "$SCRATCH"

# A tokenizer.json the C++ side cannot take fails with the file and the part named.
echo '{"model": {"type": "WordPiece", "vocab": {}}}' > "$SCRATCH/bad.json"
if echo '{"text": "x"}' | "$BUILD/tests/cf-test-hf-tokenize" encode "$SCRATCH/bad.json" 2> "$SCRATCH/err"; then
  echo "FAIL: a WordPiece tokenizer.json was accepted"; exit 1
fi
grep -q "bad.json: model: unsupported model type 'WordPiece'" "$SCRATCH/err" || { cat "$SCRATCH/err"; exit 1; }
echo "hf_tokenizer_reference: OK"
