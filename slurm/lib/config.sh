# Reads a chain config (a TOML subset) into the associative array CFG without evaluating
# anything: "section.key" -> value. Sourced by slurm/submit.sh.
#   [section] / [section.sub]       table headers
#   key = "basic string"            \" \\ \t \n escapes; nothing else is interpreted
#   key = 'literal string'          taken verbatim
#   key = 42 / true / [1, 2]        bare values, verbatim (passed on as TOML)
#   "dotted.key" = ... or dotted.key = ...   keys may contain dots (kept as one name)
#   # comments, on their own line or after a value
declare -gA CFG=()

cfg_die() { echo "submit: $*" >&2; exit 2; }

cfg_read() {  # cfg_read FILE
  local file=$1 line section="" n=0 key rest value
  [ -f "$file" ] || cfg_die "config '$file' does not exist"
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(#.*)?$ ]] && continue
    if [[ $line =~ ^[[:space:]]*\[([A-Za-z0-9_.-]+)\][[:space:]]*(#.*)?$ ]]; then
      section=${BASH_REMATCH[1]}
      continue
    fi
    if [[ $line =~ ^[[:space:]]*\"([A-Za-z0-9_.-]+)\"[[:space:]]*=[[:space:]]*(.*)$ ]] ||
       [[ $line =~ ^[[:space:]]*([A-Za-z0-9_.-]+)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
      key=${BASH_REMATCH[1]} rest=${BASH_REMATCH[2]}
    else
      cfg_die "$file:$n: cannot parse: $line"
    fi
    value=$(cfg_value "$rest") || cfg_die "$file:$n: bad value: $rest"
    CFG["${section:+$section.}$key"]=$value
  done < "$file"
}

cfg_value() {  # the value of the text right of '=', on stdout
  local s=$1 out="" i c
  case $s in
    \"*)
      for ((i = 1; i < ${#s}; i++)); do
        c=${s:i:1}
        if [ "$c" = '\' ]; then
          i=$((i + 1))
          case ${s:i:1} in
            n) out+=$'\n' ;; t) out+=$'\t' ;; '"') out+='"' ;; '\') out+='\' ;;
            *) return 1 ;;
          esac
        elif [ "$c" = '"' ]; then
          [[ ${s:i+1} =~ ^[[:space:]]*(#.*)?$ ]] || return 1
          printf '%s' "$out"
          return 0
        else
          out+=$c
        fi
      done
      return 1 ;;
    \'*)
      [[ $s =~ ^\'([^\']*)\'[[:space:]]*(#.*)?$ ]] || return 1
      printf '%s' "${BASH_REMATCH[1]}" ;;
    *)
      s=${s%%[[:space:]]#*}
      s=${s%"${s##*[![:space:]]}"}
      [ -n "$s" ] || return 1
      printf '%s' "$s" ;;
  esac
}

# cfg KEY [DEFAULT]: the value, or DEFAULT when the key is absent.
cfg() { if [ -n "${CFG[$1]+x}" ]; then printf '%s' "${CFG[$1]}"; else printf '%s' "${2-}"; fi; }

# cfgd KEY DEFAULT: like cfg, but an empty value also means DEFAULT.
cfgd() { local v; v=$(cfg "$1" ""); printf '%s' "${v:-$2}"; }

# Keys of one table ("set.segment" -> "segment.max_regions" ...), sorted, one per line.
cfg_keys() {
  local k
  for k in "${!CFG[@]}"; do [[ $k == "$1".* ]] && printf '%s\n' "${k#"$1".}"; done | LC_ALL=C sort
}
