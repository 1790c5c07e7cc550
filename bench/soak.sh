#!/usr/bin/env bash
# The reliability run (docs/reliability.md). `make soak` calls this after building the jar.
#   bash bench/soak.sh                 # fuzz (longer than in make test), soak, storms, leak checks: under 15 minutes
#   bash bench/soak.sh --quick         # about a minute and a half, writes target/soak/reliability-quick.md
# Other arguments go to io.wschaos.bench.Soak (--links N --messages N --rate N --soak-max-seconds S …);
# --rate 0 sends closed-loop at full speed instead of the paced default below.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

jar=target/wschaos.jar
harness=target/wschaos-bench.jar
if [ ! -f "$jar" ] || [ ! -f "$harness" ]; then
  echo "soak: $jar or $harness is missing; run 'make build' (or 'make soak', which builds it)" >&2
  exit 2
fi
hard=$(ulimit -Hn)
ulimit -n "$hard" 2>/dev/null || true

quick=0
cmd="make soak"
for a in "$@"; do [ "$a" = "--quick" ] && quick=1 && cmd="bash bench/soak.sh --quick"; done
out=docs/reliability.md
[ "$quick" = 1 ] && out=target/soak/reliability-quick.md

# The fuzz tests of make test with many more tries (same seeds, so the first tries repeat make
# test's and the rest go further); bounded by `timeout`.
tries=4000
[ "$quick" = 1 ] && tries=500
echo "soak: fuzzing with $tries tries per property" >&2
fuzz_start=$(date +%s)
fuzz=passed
timeout --signal=TERM --kill-after=30 240 mvn -B -q test -Dtest='*FuzzTest' -Djqwik.tries.default="$tries" \
  -DfailIfNoTests=false -Dsurefire.failIfNoSpecifiedTests=false >target/soak-fuzz.log 2>&1 || fuzz=failed
fuzz_secs=$(( $(date +%s) - fuzz_start ))
echo "soak: fuzz $fuzz in ${fuzz_secs}s (log: target/soak-fuzz.log)" >&2

# The soak is an endurance run, not a throughput one: at full speed the load generator and the
# proxy take both cores of a 2-core machine and the API's p99 measures CPU starvation. 40 000
# messages a second leaves headroom and still sends 10 M in about 250 s, within the soak's budget.
rate=40000

# The soak, the storms and the leak checks: bounded by the Soak's own limits and by `timeout`.
set +e
timeout --signal=TERM --kill-after=30 720 \
  java -XX:+UseParallelGC -Xms64m -Xmx1g -cp "$harness" io.wschaos.bench.Soak --command "$cmd" --out "$out" \
    --fuzz "$fuzz" --fuzz-tries "$tries" --fuzz-seconds "$fuzz_secs" --rate "$rate" "$@"
code=$?
set -e
[ "$fuzz" = failed ] && code=1
exit $code
