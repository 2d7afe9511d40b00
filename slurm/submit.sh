#!/usr/bin/env bash
# Submits the cornerforge pipeline to Slurm as a chain of jobs, each starting only when the
# jobs it needs succeeded (--dependency=afterok, --kill-on-invalid-dep=yes):
#   [scenegen] -> ingest -> segment -> retrieve -> caption -> QA -> merge -> labeled -> tokenizer
#   [scenegen_labeled] -> build_db -/          [scenegen_eval] -/
#   tokenizer -> direct, SFT (labeled only), SFT (labeled + synthetic) -> [generate -> SPIN] x rounds
#   -> answers (each model, on the held-out eval questions) -> eval
# The labeled part (chain.labeled, a scene corpus with ground truth) makes the retrieval DB and,
# as QA (tools/make_sft_set.py), the labeled training set; the pipeline turns the unlabeled part
# (chain.corpus) into synthetic QA; the eval questions come from a third set of scenes
# (chain.eval_corpus). The models: direct (the seeded init, untrained), sft_labeled, sft
# (labeled + synthetic) and spin_rN: the rows of the OpenDriver report's Table 1 in miniature.
# Synthesis stages (chain.array_stages) run as job arrays over shard ranges; training jobs
# checkpoint and requeue themselves (slurm/lib/stage.sh). Stages whose outputs are complete
# (cf-status) are skipped, so re-submitting after a failure resumes from what is complete.
#   slurm/submit.sh [--dry-run] CONFIG      (format: slurm/chain.example.toml, docs/slurm.md)
# --dry-run prints the sbatch commands as a runnable bash script and submits nothing.
# Paths are passed as single arguments and printed with printf %q: nothing in them is executed.
set -euo pipefail
SLURM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$SLURM_DIR")
source "$SLURM_DIR/lib/config.sh"

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
DRY=0 CONFIG=""
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) DRY=1 ;;
    -h|--help) usage 0 ;;
    -*) echo "submit: unknown option '$1'" >&2; usage ;;
    *) [ -z "$CONFIG" ] || usage; CONFIG=$1 ;;
  esac
  shift
done
[ -n "$CONFIG" ] || usage
cfg_read "$CONFIG"

abs() { realpath -m -- "$1"; }  # relative paths are relative to the current directory
num() { [[ $2 =~ ^[0-9]+$ ]] || cfg_die "$CONFIG: $1 must be a whole number, not '$2'"; printf '%s' "$2"; }
WORK=$(abs "$(cfgd chain.work work/chain)")
BIN=$(abs "$(cfgd chain.bin "$ROOT/build/jobs")")
CONFIGS=$(cfg chain.configs "")
[ -z "$CONFIGS" ] || CONFIGS=$(abs "$CONFIGS")
SCENEGEN=$(cfgd chain.scenegen false)
CORPUS=$(abs "$(cfgd chain.corpus "$WORK/corpus")")
LABELED=$(abs "$(cfgd chain.labeled "$WORK/corpus-labeled")")
EVAL_CORPUS=$(abs "$(cfgd chain.eval_corpus "$WORK/corpus-eval")")
ROUNDS=$(num chain.rounds "$(cfgd chain.rounds 2)")
ARRAY_TASKS=$(num chain.array_tasks "$(cfgd chain.array_tasks 4)")
read -r -a ARRAY_STAGES <<< "$(cfgd chain.array_stages "segment retrieve caption qa")"
LAUNCHER=$(cfgd chain.launcher srun)
SRUN_MPI=$(cfgd chain.srun_mpi pmix)
MAX_RESTARTS=$(num chain.max_restarts "$(cfgd chain.max_restarts 3)")
SIGNAL_LEAD=$(cfg chain.signal_lead "")
[ -z "$SIGNAL_LEAD" ] || num chain.signal_lead "$SIGNAL_LEAD" > /dev/null
UNTIL=$(cfgd chain.until eval)
MODEL_PRESET=$(cfg chain.model_preset "")  # model.preset of sft, generate, spin and answers
case $LAUNCHER in srun|mpirun|none) ;; *) cfg_die "$CONFIG: chain.launcher must be srun, mpirun or none" ;; esac
case $UNTIL in scenegen|ingest|segment|build_db|retrieve|caption|qa|merge|tokenizer|sft|spin|eval) ;;
  *) cfg_die "$CONFIG: chain.until must name a stage (ingest ... sft, spin, eval), not '$UNTIL'" ;; esac
[ "$DRY" = 1 ] || [ -x "$BIN/cf-status" ] || cfg_die "no executables in '$BIN' (set chain.bin; build with ninja -C build)"
LOGS="$WORK/slurm/logs"

# The sbatch option for each [slurm] / [slurm.<kind>] key.
SLURM_KEYS=(partition account qos time nodes ntasks ntasks_per_node cpus_per_task gpus_per_node gpus_per_task mem constraint)
slurm_opts() {  # slurm_opts KIND: appends to OPTS
  local key value
  for key in "${SLURM_KEYS[@]}"; do
    value=$(cfg "slurm.$1.$key" "$(cfg "slurm.$key" "")")
    [ -z "$value" ] || OPTS+=("--${key//_/-}=$value")
  done
  value=$(cfg "slurm.$1.extra" "$(cfg slurm.extra "")")
  local extra=()
  read -r -a extra <<< "$value"
  OPTS+=("${extra[@]}")
}

complete() {  # complete PATH...: every path is a complete stage output
  [ "$DRY" = 0 ] || [ -x "$BIN/cf-status" ] || return 1
  "$BIN/cf-status" -q "$@" 2>/dev/null
}

declare -A JOB=()
IDS=() SUMMARY=() PAST_UNTIL=0
quote() { printf '%q ' "$@"; }

# job NAME KIND EXECUTABLE "DEPS" -- ARGS...   with DONE=(paths), CLAIM=(stage dir) and LATE=()
# set. KIND names the script (slurm/<kind>.sbatch; answers -> generate, direct and sft_labeled ->
# sft, scenegen_* -> scenegen), the [slurm.<kind>] and [set.<kind>] tables (direct and
# sft_labeled take [set.sft] first) and <chain.configs>/<config>.toml. LATE: arguments after
# the [set.*] ones, which the config cannot override.
# An EXECUTABLE with a / is a path (run directly), else a file in chain.bin.
job() {
  local name=$1 kind=$2 exe=$3 deps=$4
  shift 5
  local script=$kind conf=$kind array=0 d tables=("$kind")
  case $kind in
    answers) script=generate; conf=generate ;;
    sft|spin) conf=train ;;
    direct|sft_labeled) script=sft; conf=train; tables=(sft "$kind") ;;
    scenegen_*) script=scenegen; conf=scenegen ;;
    labeled) conf=""; tables=() ;;  # a python tool: no --config, no --set
  esac
  [ "$PAST_UNTIL" = 0 ] || return 0
  if [ "${#DONE[@]}" -gt 0 ] && complete "${DONE[@]}"; then
    SUMMARY+=("skip $name: complete")
    JOB[$name]=""
    return 0
  fi
  for d in "${ARRAY_STAGES[@]}"; do [ "$d" != "$kind" ] || array=1; done
  local args=("$@") key table
  [ -z "$CONFIGS" ] || [ -z "$conf" ] || [ ! -f "$CONFIGS/$conf.toml" ] || args=(--config "$CONFIGS/$conf.toml" "${args[@]}")
  case $script in sft|spin|generate) [ -z "$MODEL_PRESET" ] || args+=(--set "model.preset=$MODEL_PRESET") ;; esac
  for table in "${tables[@]+"${tables[@]}"}"; do
    while IFS= read -r key; do [ -z "$key" ] || args+=(--set "$key=${CFG[set.$table.$key]}"); done < <(cfg_keys "set.$table")
  done
  args+=("${LATE[@]+"${LATE[@]}"}")

  local escaped_logs=${LOGS//%/%%}
  OPTS=(--parsable --job-name="cf-$name" --chdir="$ROOT" --kill-on-invalid-dep=yes)
  if [ "$array" = 1 ] && [ "$ARRAY_TASKS" -gt 1 ]; then
    OPTS+=(--array="0-$((ARRAY_TASKS - 1))" --output="$escaped_logs/cf-$name-%A_%a.out")
  else
    array=0
    OPTS+=(--output="$escaped_logs/cf-$name-%j.out")
  fi
  if [ -n "$SIGNAL_LEAD" ] && { [ "$script" = sft ] || [ "$script" = spin ]; }; then
    OPTS+=(--signal="B:USR2@$SIGNAL_LEAD")
  fi
  slurm_opts "$kind"
  local after=() dep_words=()
  for d in $deps; do [ -z "${JOB[$d]:-}" ] || { after+=("${JOB[$d]}"); dep_words+=("\${JOB_$d}"); }; done
  local runtime=(--launcher "$LAUNCHER" --mpi "$SRUN_MPI") exe_path=$BIN/$exe
  [[ $exe != */* ]] || runtime=(--launcher none) exe_path=$exe
  [ "$array" = 0 ] || runtime+=(--array --claim "${CLAIM[0]}" "${CLAIM[1]}")
  case $script in sft|spin) runtime+=(--max-restarts "$MAX_RESTARTS") ;; esac
  local tail=("$SLURM_DIR/$script.sbatch" "$SLURM_DIR" "${runtime[@]}" -- "$exe_path" "${args[@]}")
  if [ "$DRY" = 1 ]; then
    local dep=""
    [ "${#after[@]}" -eq 0 ] || dep="--dependency=afterok:$(IFS=:; echo "${dep_words[*]}")"
    echo "JOB_$name=\$(sbatch $(quote "${OPTS[@]}")${dep:+$dep }$(quote "${tail[@]}"))"
    JOB[$name]="dry"
  else
    local dep=()
    [ "${#after[@]}" -eq 0 ] || dep=(--dependency="afterok:$(IFS=:; echo "${after[*]}")")
    local out
    out=$(sbatch "${OPTS[@]}" "${dep[@]}" "${tail[@]}") || cfg_die "sbatch failed for stage $name"
    JOB[$name]=${out%%;*}
    IDS+=("${JOB[$name]}")
    printf '%s\t%s\n' "$name" "${JOB[$name]}" >> "$WORK/slurm/jobs.tsv"
    SUMMARY+=("$name: job ${JOB[$name]}")
  fi
}
until_check() { [ "$UNTIL" != "$1" ] || PAST_UNTIL=1; }

if [ "$DRY" = 1 ]; then
  echo "#!/bin/bash"
  echo "# slurm/submit.sh --dry-run $(quote "$CONFIG")"
  echo "set -e"
  echo "mkdir -p $(quote "$LOGS")"
else
  mkdir -p "$LOGS"
  : > "$WORK/slurm/jobs.tsv"
fi

S=(--set) LATE=()  # shorthand
ING="$WORK/ingest" SEG="$WORK/segment" DB="$WORK/db" RET="$WORK/retrieve" CAP="$WORK/caption"
QA="$WORK/qa" DATA="$WORK/dataset" SETS="$WORK/sets" TOK="$WORK/tokens" SFT="$WORK/sft"
# cf-scenegen makes the three corpora with different seeds (different scenes). A corpus has no
# completion record: its job is skipped when what is made from it is complete.
if [ "$SCENEGEN" = true ]; then
  DONE=("$ING") CLAIM=()
  job scenegen scenegen cf-scenegen "" -- "${S[@]}" "io.output=$CORPUS"
  DONE=("$DB/meta.json") CLAIM=()
  job scenegen_labeled scenegen_labeled cf-scenegen "" -- "${S[@]}" "io.output=$LABELED" \
    "${S[@]}" scenegen.seed=4321 "${S[@]}" scenegen.clips=0
fi
until_check scenegen
DONE=("$ING") CLAIM=()
job ingest ingest cf-ingest "scenegen" -- "${S[@]}" "io.input=$CORPUS" "${S[@]}" "io.output=$ING"
until_check ingest
DONE=("$SEG") CLAIM=(segment "$SEG")
job segment segment cf-segment "ingest" -- "${S[@]}" "io.input=$ING" "${S[@]}" "io.output=$SEG"
until_check segment
DONE=("$DB/meta.json") CLAIM=()
job build_db build_db cf-build-db "scenegen_labeled" -- "${S[@]}" "io.input=$LABELED" "${S[@]}" "io.output=$DB"
until_check build_db
DONE=("$RET") CLAIM=(retrieve "$RET")
job retrieve retrieve cf-retrieve "segment build_db" -- "${S[@]}" "io.input=$SEG" "${S[@]}" "io.images=$ING" \
  "${S[@]}" "retrieve.db=$DB" "${S[@]}" "io.output=$RET"
until_check retrieve
DONE=("$CAP") CLAIM=(caption "$CAP")
job caption caption cf-caption "retrieve" -- "${S[@]}" "io.input=$RET" "${S[@]}" "io.regions=$SEG" \
  "${S[@]}" "io.images=$ING" "${S[@]}" "io.output=$CAP"
until_check caption
DONE=("$QA") CLAIM=(qa "$QA")
job qa qa cf-qa "caption" -- "${S[@]}" "io.input=$CAP" "${S[@]}" "io.retrieve=$RET" "${S[@]}" "io.output=$QA"
until_check qa
DONE=("$DATA") CLAIM=()
job merge merge cf-merge "qa" -- "${S[@]}" "io.input=$QA" "${S[@]}" "io.caption=$CAP" "${S[@]}" "io.retrieve=$RET" \
  "${S[@]}" "io.regions=$SEG" "${S[@]}" "io.images=$ING" "${S[@]}" "io.output=$DATA"
until_check merge
# The held-out eval scenes (needed from here on), then the labeled part as QA (train), the eval
# questions (eval) and labeled + synthetic (mixed).
if [ "$SCENEGEN" = true ]; then
  DONE=("$SETS/eval") CLAIM=()
  job scenegen_eval scenegen_eval cf-scenegen "" -- "${S[@]}" "io.output=$EVAL_CORPUS" \
    "${S[@]}" scenegen.seed=9876 "${S[@]}" scenegen.clips=0
fi
DONE=("$SETS/train" "$SETS/eval" "$SETS/mixed") CLAIM=()
job labeled labeled "$ROOT/tools/make_sft_set.py" "merge scenegen_labeled scenegen_eval" -- "$LABELED" "$SETS" \
  --eval-corpus "$EVAL_CORPUS" --coda --synthetic "$DATA/train" --id-prefix labeled/
DONE=("$TOK/mixed" "$TOK/train" "$TOK/eval") CLAIM=()
job tokenizer tokenizer cf-tokenizer "labeled" -- "${S[@]}" "io.input=$SETS" "${S[@]}" "io.output=$TOK" \
  "${S[@]}" 'tokenizer.splits=["mixed", "train", "eval"]'
until_check tokenizer
# direct: one optimizer step at learning rate 0 writes the seeded initial weights unchanged.
DIRECT="$WORK/direct" SFT_LABELED="$WORK/sft-labeled"
DONE=("$DIRECT/model.safetensors") CLAIM=() LATE=("${S[@]}" optim.lr=0 "${S[@]}" train.max_steps=1)
job direct direct cf-train "tokenizer" -- "${S[@]}" train.mode=sft "${S[@]}" "io.input=$TOK/train" \
  "${S[@]}" "io.output=$DIRECT"
LATE=()
DONE=("$SFT_LABELED/model.safetensors") CLAIM=()
job sft_labeled sft_labeled cf-train "tokenizer" -- "${S[@]}" train.mode=sft "${S[@]}" "io.input=$TOK/train" \
  "${S[@]}" "io.output=$SFT_LABELED"
DONE=("$SFT/model.safetensors") CLAIM=()
job sft sft cf-train "tokenizer" -- "${S[@]}" train.mode=sft "${S[@]}" "io.input=$TOK/mixed" "${S[@]}" "io.output=$SFT"
until_check sft

MODELS=(direct sft_labeled sft) MODEL_DIRS=("$DIRECT" "$SFT_LABELED" "$SFT") prev=sft prev_dir=$SFT prev_pairs=""
for ((r = 1; r <= ROUNDS; r++)); do
  R="$WORK/round-$r"
  DONE=("$R/pairs") CLAIM=(generate "$R/pairs")
  job "generate_r$r" generate cf-generate "$prev" -- "${S[@]}" "io.input=$TOK/mixed" "${S[@]}" "io.output=$R/pairs" \
    "${S[@]}" "generate.checkpoint=$prev_dir" "${S[@]}" "generate.round=$r" "${S[@]}" "generate.previous=$prev_pairs" \
    "${S[@]}" "generate.tokenizer=$TOK"
  DONE=("$R/model/model.safetensors") CLAIM=()
  job "spin_r$r" spin cf-train "generate_r$r" -- "${S[@]}" train.mode=spin "${S[@]}" "io.input=$R/pairs" \
    "${S[@]}" "model.init=$prev_dir/model.safetensors" "${S[@]}" "io.output=$R/model"
  prev="spin_r$r" prev_dir="$R/model" prev_pairs="$R/pairs"
  MODELS+=("spin_r$r") MODEL_DIRS+=("$R/model")
done
until_check spin

toml_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
toml_list() { local out="" x; for x in "$@"; do out+="${out:+, }$(toml_string "$x")"; done; printf '[%s]' "$out"; }
ANSWERS=() NAMES=() TRAIN_LOGS=() EVAL_DEPS=""
for i in "${!MODELS[@]}"; do
  m=${MODELS[$i]} d=${MODEL_DIRS[$i]}
  DONE=("$WORK/answers/$m") CLAIM=(generate "$WORK/answers/$m")
  job "answers_$m" answers cf-generate "$m" -- "${S[@]}" "io.input=$TOK/eval" "${S[@]}" "io.output=$WORK/answers/$m" \
    "${S[@]}" "generate.checkpoint=$d" "${S[@]}" "generate.model_tag=$m" "${S[@]}" "generate.tokenizer=$TOK"
  ANSWERS+=("$WORK/answers/$m") NAMES+=("$m") EVAL_DEPS+=" answers_$m"
  [ "$m" = direct ] || TRAIN_LOGS+=("$d")  # (direct's log is one step at learning rate 0)
done
DONE=("$WORK/eval/report.json") CLAIM=()
job eval eval cf-eval "$EVAL_DEPS" -- "${S[@]}" "eval.answers=$(toml_list "${ANSWERS[@]}")" \
  "${S[@]}" "eval.models=$(toml_list "${NAMES[@]}")" "${S[@]}" "eval.train_logs=$(toml_list "${TRAIN_LOGS[@]}")" \
  "${S[@]}" "io.output=$WORK/eval"

if [ "$DRY" = 1 ]; then
  printf '# %s\n' "${SUMMARY[@]+"${SUMMARY[@]}"}"
  exit 0
fi
printf '%s\n' "${SUMMARY[@]+"${SUMMARY[@]}"}"
if [ "${#IDS[@]}" -eq 0 ]; then
  echo "nothing to submit: every stage is complete"
elif [ -z "${CF_INLINE_DIR:-}" ]; then  # (with slurm/lib/sbatch_inline.sh the jobs have run)
  echo "status: squeue -r -j $(IFS=,; echo "${IDS[*]}")    or    $(quote "$SLURM_DIR/status.sh" "$WORK")"
fi
