#!/usr/bin/env bash
# The sentencepiece unit tests (src/tokenize/tests): their own binary, because sentencepiece
# cannot share a process with LibTorch, which cf_unit_tests loads.
source "$(dirname "$0")/common.sh"
"$BUILD/src/tokenize/cf_tokenize_tests" --gtest_brief=1
echo "tokenizer_sentencepiece: OK"
