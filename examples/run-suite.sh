#!/usr/bin/env bash
# `make run`: the example suite (scenarios/) against both example clients.
# resilient.js must pass every expectation; naive.js must fail exactly the expectations listed in
# examples/expected-naive-failures.txt (the table of docs/example-suite.md) and pass the rest.
# The browser suite (scenarios/browser/) runs the same way against the example pages
# (examples/browser/{resilient,naive}.html, table examples/browser/expected-naive-failures.txt) when
# headless Chromium (/usr/bin/chromium) and playwright-core are there; otherwise it says it skips them.
# Reports (JUnit XML and JSONL timelines) go to target/example-reports/{resilient,naive,browser-*}/.
# Exit 0 only when every outcome is as documented.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=target/example-reports
expected=examples/expected-naive-failures.txt
mkdir -p "$out/resilient" "$out/naive"

# every topic folder of scenarios/ but browser/ (the process clients' suite)
process_suites=$(for d in scenarios/*/; do [ "$d" = scenarios/browser/ ] || printf '%s ' "$d"; done)

run() { # name, client command
  # shellcheck disable=SC2086
  bin/wschaos run --parallel 2 --client "$2" --junit "$out/$1/junit.xml" --report "$out/$1" $process_suites | tee "$out/$1/console.txt"
  return "${PIPESTATUS[0]}"
}

run_page() { # name, page
  mkdir -p "$out/$1"
  bin/wschaos run --parallel 2 --page "$2" --junit "$out/$1/junit.xml" --report "$out/$1" scenarios/browser/ | tee "$out/$1/console.txt"
  return "${PIPESTATUS[0]}"
}

# "scenario | expectation | status" of every expectation that did not pass, from the console output
failures() {
  awk '/^\[ *[0-9]+\/[0-9]+\] /{l=$0; sub(/^\[ *[0-9]+\/[0-9]+\] /,"",l); split(l,a," "); s="";
         if (a[1]=="FAIL") s=a[2]; if (a[1]=="ERROR") print a[2] " | (environment error) | error"; next}
       s!="" && /^        [^ ]+ \[(fail|undecided)\]:/{e=$1; st=$2; gsub(/[\[\]:]/,"",st); print s " | " e " | " st}' "$1" | sort
}

echo "== resilient.js =="
run resilient "node examples/clients/resilient.js"
rc_res=$?
echo
echo "== naive.js =="
run naive "node examples/clients/naive.js"
rc_naive=$?
echo

browser_skip=""
if [ ! -x "${WSCHAOS_CHROMIUM:-/usr/bin/chromium}" ]; then
  browser_skip="${WSCHAOS_CHROMIUM:-/usr/bin/chromium} is missing (apt-get install chromium)"
elif [ ! -f node_modules/playwright-core/package.json ]; then
  browser_skip="node_modules/playwright-core is missing (npm ci)"
fi
if [ -z "$browser_skip" ]; then
  echo "== browser suite: resilient.html =="
  run_page browser-resilient examples/browser/resilient.html
  rc_bres=$?
  echo
  echo "== browser suite: naive.html =="
  run_page browser-naive examples/browser/naive.html
  rc_bnaive=$?
  echo
fi

ok=0
if [ -z "$browser_skip" ]; then
  bexpected=examples/browser/expected-naive-failures.txt
  if [ "$rc_bres" -ne 0 ]; then
    echo "resilient.html: expected every expectation to pass (exit $rc_bres)"; ok=1
  fi
  grep -v '^#' "$bexpected" | grep -v '^[[:space:]]*$' | awk -F'|' '{gsub(/^ +| +$/,"",$1); gsub(/^ +| +$/,"",$2); gsub(/^ +| +$/,"",$3); print $1 " | " $2 " | " $3}' | sort > "$out/browser-naive/expected-failures.txt"
  failures "$out/browser-naive/console.txt" > "$out/browser-naive/actual-failures.txt"
  if [ "$rc_bnaive" -ne 1 ] || ! diff -u "$out/browser-naive/expected-failures.txt" "$out/browser-naive/actual-failures.txt" > "$out/browser-naive/failures.diff"; then
    echo "naive.html: its failures differ from $bexpected (exit $rc_bnaive):"; cat "$out/browser-naive/failures.diff"; ok=1
  fi
fi
if [ "$rc_res" -ne 0 ]; then
  echo "resilient.js: expected every expectation to pass (exit $rc_res)"; ok=1
fi
grep -v '^#' "$expected" | grep -v '^[[:space:]]*$' | awk -F'|' '{gsub(/^ +| +$/,"",$1); gsub(/^ +| +$/,"",$2); gsub(/^ +| +$/,"",$3); print $1 " | " $2 " | " $3}' | sort > "$out/naive/expected-failures.txt"
failures "$out/naive/console.txt" > "$out/naive/actual-failures.txt"
if [ "$rc_naive" -ne 1 ] || ! diff -u "$out/naive/expected-failures.txt" "$out/naive/actual-failures.txt" > "$out/naive/failures.diff"; then
  echo "naive.js: its failures differ from $expected (exit $rc_naive):"; cat "$out/naive/failures.diff"; ok=1
fi
if [ "$ok" -eq 0 ]; then
  echo "as documented: resilient.js passed every expectation; naive.js failed exactly the $(wc -l < "$out/naive/expected-failures.txt") expectations of $expected (docs/example-suite.md)"
  if [ -z "$browser_skip" ]; then
    echo "as documented: resilient.html passed every expectation of scenarios/browser/; naive.html failed exactly the $(wc -l < "$out/browser-naive/expected-failures.txt") expectations of examples/browser/expected-naive-failures.txt"
    echo "reports: $out/resilient, $out/naive, $out/browser-resilient, $out/browser-naive"
  else
    echo "reports: $out/resilient, $out/naive"
  fi
fi
if [ -n "$browser_skip" ]; then
  echo "skipped the browser suite (scenarios/browser/, 4 scenarios): $browser_skip"
fi
exit "$ok"
