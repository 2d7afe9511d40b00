"""Reference test of cornerforge's HF tokenizer.json tokenizers (src/tokenize/hf) against HF
`tokenizers`: trains small tokenizers of each supported family on a generated corpus, saves
their tokenizer.json, runs cf-test-hf-tokenize over a test corpus (whitespace runs, digits,
emoji, CJK, Arabic, Devanagari, special tokens) and compares ids, decoded text and the LLaVA-1.5
chat template. Exits 1 on any difference.

usage: hf_tokenizer_ref.py CF_TEST_HF_TOKENIZE WORKDIR
"""
import json
import random
import subprocess
import sys
import unicodedata

from tokenizers import (AddedToken, Regex, Tokenizer, decoders, models, normalizers,
                        pre_tokenizers, processors, trainers)

QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")
LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
                  r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
LLAVA_SYSTEM = ("A chat between a curious human and an artificial intelligence assistant. "
                "The assistant gives helpful, detailed, and polite answers to the human's questions.")

WORDS = ("the car is stopped at a red light while a pedestrian crosses the road near the "
         "intersection truck bus cyclist lane merge overtaking highway tunnel rain night "
         "I'm don't we'll they've she's It'S WE'LL").split()
SCRIPTS = ["停车 行人 红灯 道路 车辆 交叉口", "السيارة تتوقف عند الإشارة", "सड़क पर गाड़ी रुकी है",
           "Straße über Fußgänger", "東京の交差点で車が止まる"]
EMOJI = ["🚗", "🚦", "👍🏽", "👨‍👩‍👧", "🇩🇪", "❤️"]


def corpus(rng, n):
    lines = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(3, 14)):
            r = rng.random()
            if r < 0.6:
                parts.append(rng.choice(WORDS))
            elif r < 0.75:
                parts.append(str(rng.randint(0, 99999)))
            elif r < 0.9:
                parts.append(rng.choice(SCRIPTS))
            else:
                parts.append(rng.choice(EMOJI))
        lines.append(rng.choice([" ", "  ", "\n", " "]).join(parts) + rng.choice(["", ".", "!\n", "?"]))
    return lines


def test_texts(specials):
    rng = random.Random(7)
    fixed = [
        "", " ", "   ", "\n", "\n\n\n", "\t \t", "hello  world", "hello   world  ", "a\r\nb",
        "  leading and trailing  ", "1234567890 3.14159 1,000,000 2024-11-22",
        "I'm sure it's fine, they'VE said we'll go", "🚗🚦 👍🏽 👨‍👩‍👧 🇩🇪 ❤️ emoji",
        "停车场里有三辆车。", "السيارة الحمراء تتوقف", "सड़क पर गाड़ी", "Ωμέγα κόσμε", "Привет, мир",
        "e\u0301 vs \u00e9 and \uff21\uff22 fullwidth", "tab\tseparated\tvalues", "zero\u200bwidth",
        "mixed 东京 and عربي and हिंदी 42", "€ £ ¥ © ® ™ ∑ ∫ ≈", "\u00a0nbsp\u3000ideographic",
        "x" * 40, "ﬁ ligature ǅ titlecase", "\U0001F600\U0001F9D1\u200d\U0001F692",
    ]
    for s in specials:
        fixed += [s, f"before{s}after", f"text {s} text", f"{s}\n{s}  {s}x", f"a {s}{s} b",
                  f"x\n{s}\ny", f"x \t{s} \n y", f"x{s} {s}"]
    return fixed + corpus(rng, 300) + mashed(rng, 150)


def mashed(rng, n):
    """Pieces of words glued together, so BPE stops part-way through its merges."""
    pool = WORDS + SCRIPTS + EMOJI
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 8)):
            w = rng.choice(pool)
            a = rng.randint(0, len(w))
            parts.append(w[a:a + rng.randint(1, 6)] + rng.choice(["", "", " ", "  ", "\n", "\t", "0", "12345"]))
        out.append("".join(parts))
    return out


def trained_byte_level(lines, pattern, prefix_space_regex):
    tok = Tokenizer(models.BPE())
    if pattern:
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    else:
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=prefix_space_regex, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=2000, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    tok.train_from_iterator(lines, trainer)
    return tok


def trained_spm_style(lines):
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    byte_pieces = [f"<0x{b:02X}>" for b in range(256)]
    trainer = trainers.BpeTrainer(vocab_size=1500, show_progress=False, limit_alphabet=80,
                                  special_tokens=["<unk>", "<s>", "</s>"] + byte_pieces)
    tok.train_from_iterator(lines, trainer)
    j = json.loads(tok.to_str())
    j["added_tokens"] = [t for t in j["added_tokens"] if t["content"] not in byte_pieces]
    return j


def spm_variants(base):
    """The sentencepiece-style layouts transformers' converters write (LLaMA-2 legacy, Mistral)."""
    bos = {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}
    template = {"type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": bos}
    llama2 = json.loads(json.dumps(base))
    llama2["normalizer"] = {"type": "Sequence", "normalizers": [
        {"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]}
    llama2["pre_tokenizer"] = None
    llama2["post_processor"] = template
    llama2["decoder"] = {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
        {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    mistral = json.loads(json.dumps(base))
    mistral["normalizer"] = None
    mistral["pre_tokenizer"] = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False}
    mistral["post_processor"] = template
    mistral["decoder"] = {"type": "Sequence", "decoders": [
        {"type": "ByteFallback"}, {"type": "Fuse"},
        {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False}]}
    split = json.loads(json.dumps(base))
    split["decoder"] = {"type": "Sequence", "decoders": [
        {"type": "ByteFallback"}, {"type": "Fuse"},
        {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True}]}
    out = {}
    for name, j in (("llama2", llama2), ("mistral", mistral), ("spm_split", split)):
        tok = Tokenizer.from_str(json.dumps(j))
        tok.add_special_tokens([AddedToken("<image>", normalized=False, special=True)])
        tok.add_tokens([AddedToken("<road>", normalized=True, special=False)])
        out[name] = tok
    return out


def byte_level_tokenizers(lines):
    out = {}
    qwen2 = trained_byte_level(lines, QWEN2_PATTERN, False)
    qwen2.normalizer = normalizers.NFC()
    qwen2.post_processor = processors.ByteLevel(trim_offsets=False)
    out["qwen2"] = qwen2
    llama3 = trained_byte_level(lines, LLAMA3_PATTERN, False)
    j = json.loads(llama3.to_str())
    j["model"]["ignore_merges"] = True
    llama3 = Tokenizer.from_str(json.dumps(j))
    llama3.post_processor = processors.TemplateProcessing(
        single="<|endoftext|> $A", special_tokens=[("<|endoftext|>", llama3.token_to_id("<|endoftext|>"))])
    out["llama3"] = llama3
    out["gpt2"] = trained_byte_level(lines, None, True)
    for tok in out.values():
        tok.add_special_tokens([AddedToken("<image>", normalized=False, special=True),
                                AddedToken("<|pad|>", normalized=False, special=True, lstrip=True, rstrip=True)])
        tok.add_tokens([AddedToken(" road", normalized=True), AddedToken("lane", single_word=True)])
    return out


def run_cli(cli, mode, path, rows):
    inp = "".join(json.dumps(r) + "\n" for r in rows)
    res = subprocess.run([cli, mode, path], input=inp.encode(), capture_output=True, timeout=120)
    if res.returncode != 0:
        sys.exit(f"{cli} {mode} {path} failed: {res.stderr.decode()}")
    return [json.loads(l) for l in res.stdout.decode().splitlines()]


def check_encode(cli, name, path, tok, texts):
    got = run_cli(cli, "encode", path, [{"text": t} for t in texts])
    bad = 0
    for text, g in zip(texts, got):
        enc = tok.encode(text)
        want = {"ids": enc.ids, "ids_plain": tok.encode(text, add_special_tokens=False).ids,
                "decode": tok.decode(enc.ids, skip_special_tokens=False),
                "decode_skip": tok.decode(enc.ids, skip_special_tokens=True)}
        for k, v in want.items():
            if g[k] != v:
                bad += 1
                if bad <= 8:
                    print(f"MISMATCH {name} {k} text={text!r}\n  hf={v!r}\n  cf={g[k]!r}")
    print(f"{name}: {len(texts)} texts, vocab {tok.get_vocab_size()}, {bad} mismatches")
    return bad


def llava_text(system, n_images, turns, open_last):
    s = system + " " if system else ""
    for i, (q, a) in enumerate(turns):
        s += "USER: " + ("<image>\n" * n_images if i == 0 else "") + q
        s += " ASSISTANT:" if open_last and i + 1 == len(turns) else " ASSISTANT: " + a + "</s>"
    return s


def check_chat(cli, path, tok):
    """Ids from HF on the whole conversation text; the mask from HF's character offsets."""
    rows = [
        {"system": "", "n_images": 1, "image_tokens": 5, "turns": [["What is ahead?", "A red light."]]},
        {"system": LLAVA_SYSTEM, "n_images": 1, "image_tokens": 3,
         "turns": [["Describe the scene.", "Two cars 🚗 wait at 停车."], ["Any people?", "One pedestrian."]]},
        {"system": "", "n_images": 0, "image_tokens": 1, "turns": [["hi  there", "  spaced   answer"]]},
        {"system": "", "n_images": 2, "image_tokens": 2, "turns": [["Compare.", "The second is darker."]]},
    ]
    got = run_cli(cli, "chat", path, rows)
    image_id = tok.token_to_id("<image>")
    bad = 0
    for row, g in zip(rows, got):
        turns = row["turns"]
        text = llava_text(row["system"], row["n_images"], turns, False)
        enc = tok.encode(text)
        answer_spans, pos = [], 0
        for q, a in turns:
            start = text.index(" ASSISTANT: ", pos) + len(" ASSISTANT:")
            end = text.index("</s>", start) + len("</s>")
            answer_spans.append((start, end))
            pos = end
        ids, mask = [], []
        for tid, (b, e) in zip(enc.ids, enc.offsets):
            m = int(any(s <= b and e <= t and e > b for s, t in answer_spans))
            copies = row["image_tokens"] if tid == image_id else 1
            ids += [tid] * copies
            mask += [m] * copies
        prompt = []
        for tid in tok.encode(llava_text(row["system"], row["n_images"], turns[:1], True)).ids:
            prompt += [tid] * (row["image_tokens"] if tid == image_id else 1)
        for k, v in (("ids", ids), ("mask", mask), ("prompt", prompt)):
            if g[k] != v:
                bad += 1
                print(f"MISMATCH chat {k} text={text!r}\n  hf={v}\n  cf={g[k]}")
    print(f"llava chat: {len(rows)} conversations, {bad} mismatches")
    return bad


def main():
    cli, work = sys.argv[1], sys.argv[2]
    lines = corpus(random.Random(1), 1500)
    toks = byte_level_tokenizers(lines)
    toks.update(spm_variants(trained_spm_style(lines)))
    bad = 0
    for name, tok in toks.items():
        path = f"{work}/{name}.json"
        tok.save(path)
        specials = ["<image>", "<|pad|>", "<|im_start|>", "<|endoftext|>", " road", "lane", "</s>", "<s>", "<road>"]
        bad += check_encode(cli, name, path, tok, test_texts([s for s in specials if tok.token_to_id(s) is not None]))
        if name == "llama3":  # no normalizer, no prefix space: decoding gives the text back
            for t in test_texts([]):
                if tok.decode(tok.encode(t, add_special_tokens=False).ids) != t:
                    bad += 1
                    print(f"ROUNDTRIP {name} {t!r}")
    bad += check_chat(cli, f"{work}/llama2.json", toks["llama2"])
    if bad:
        sys.exit(f"FAIL: {bad} mismatches")
    print("OK")


if __name__ == "__main__":
    main()
