#!/usr/bin/env bash
# Shows the state of the jobs slurm/submit.sh submitted last for WORKDIR (WORKDIR/slurm/jobs.tsv):
#   slurm/status.sh WORKDIR
set -euo pipefail
WORK=${1:?usage: slurm/status.sh WORKDIR}
[ -f "$WORK/slurm/jobs.tsv" ] || { echo "no $WORK/slurm/jobs.tsv: nothing was submitted for '$WORK'" >&2; exit 2; }
printf '%-16s %-10s %s\n' STAGE JOB "STATE (REASON)"
while IFS=$'\t' read -r name id; do
  state=$(squeue -h -r -t all -j "$id" -o '%T (%r)' 2>/dev/null | sort | uniq -c | sed 's/^ *//' | paste -sd, - || true)
  [ -n "$state" ] || state="finished, no longer listed (see sacct -j $id)"
  printf '%-16s %-10s %s\n' "$name" "$id" "$state"
done < "$WORK/slurm/jobs.tsv"
