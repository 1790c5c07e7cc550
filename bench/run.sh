#!/usr/bin/env bash
# Runs the benchmark suite (docs/benchmarks.md). `make bench` calls this after building the jar.
#   bash bench/run.sh            # full suite, under 10 minutes, writes docs/benchmarks.md
#   bash bench/run.sh --quick    # about a minute, writes target/bench/benchmarks-quick.md
# Any other arguments go to io.wschaos.bench.BenchSuite (see BenchSuite.Options).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

jar=target/wschaos.jar
harness=target/wschaos-bench.jar
if [ ! -f "$jar" ] || [ ! -f "$harness" ]; then
  echo "bench: $jar or $harness is missing; run 'make build' (or 'make bench', which builds it)" >&2
  exit 2
fi

# nginx and haproxy: Debian's packages, installed only when missing. They are never started as
# system services (RUNLEVEL=1 keeps invoke-rc.d from starting them on machines without a
# policy-rc.d); the suite starts each in the foreground with its own config on 127.0.0.1.
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]} with apt-get" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  if ! { $sudo env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 timeout 180 apt-get update -q >/dev/null \
         && for p in "${missing[@]}"; do
              $sudo env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 timeout 180 apt-get install -y -q --no-install-recommends "$p" >/dev/null \
                || echo "bench: could not install $p; its rows will say skipped" >&2
            done; }; then
    echo "bench: apt-get failed; rows for ${missing[*]} will say skipped" >&2
  fi
fi

# Each idle link holds two descriptors in the proxy: raise the soft limit to the hard one.
hard=$(ulimit -Hn)
ulimit -n "$hard" 2>/dev/null || echo "bench: could not raise ulimit -n to $hard (soft limit stays $(ulimit -n))" >&2
echo "bench: open files per process: $(ulimit -n) (hard $hard); load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# The whole run is bounded: the suite stops itself at its --time-limit (840 s by default) and kills
# its children by pid; `timeout` is the backstop should the JVM itself hang.
cmd="make bench"
for a in "$@"; do [ "$a" = "--quick" ] && cmd="bash bench/run.sh --quick"; done
exec timeout --signal=TERM --kill-after=30 960 \
  java -XX:+UseParallelGC -Xms64m -Xmx1g -cp "$harness" io.wschaos.bench.BenchSuite --command "$cmd" "$@"
