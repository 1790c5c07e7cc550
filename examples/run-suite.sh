#!/usr/bin/env bash
# `make run`: the example suite (scenarios/) against both example clients.
# resilient.js must pass every expectation; naive.js must fail exactly the expectations listed in
# examples/expected-naive-failures.txt (the table of docs/example-suite.md) and pass the rest.
# Reports (JUnit XML and JSONL timelines) go to target/example-reports/{resilient,naive}/.
# Exit 0 only when both outcomes are as documented.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=target/example-reports
expected=examples/expected-naive-failures.txt
mkdir -p "$out/resilient" "$out/naive"

run() { # name, client command
  bin/wschaos run --parallel 2 --client "$2" --junit "$out/$1/junit.xml" --report "$out/$1" scenarios/ | tee "$out/$1/console.txt"
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

ok=0
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
  echo "reports: $out/resilient, $out/naive"
fi
exit "$ok"
