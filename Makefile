# The two set-up commands of the README: `make run` and `make test`.
SHELL := /bin/bash
MVN ?= mvn -q -B
JAR := target/wschaos.jar
# The reactor's version (the root pom's own <version>): what examples/java-junit5 depends on.
VERSION := $(shell sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)

.PHONY: build run test java-example bench soak clean node

build: $(JAR)

# One reactor build makes both fat jars: target/wschaos.jar (wschaos-cli) and target/wschaos-bench.jar.
$(JAR): pom.xml $(wildcard */pom.xml) $(shell find wschaos-*/src/main -type f 2>/dev/null)
	$(MVN) clean package -DskipTests

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch node_modules

node: node_modules

# The example suite against both example clients (docs/example-suite.md); `bin/wschaos tour` is the guided tour.
run: build node_modules
	bash examples/run-suite.sh

# Not quiet: Surefire's "Tests run: N, Failures: N…" lines are what CI reads; one per module (and one
# for examples/java-junit5), then bin/test-summary's total over all of them as the last line.
# `install` (verify, then the artifacts with sources into the local Maven repository) so that the
# Java example, a project of its own, is built against the installed wschaos-junit5, offline.
test: node_modules
	@log=$$(mktemp); set -o pipefail; { mvn -B clean install && $(MAKE) --no-print-directory java-example; } 2>&1 | tee "$$log"; rc=$$?; bin/test-summary "$$log"; rm -f "$$log"; exit $$rc

# examples/java-junit5 against the installed artifacts (after `mvn install`): the JUnit 5 extension
# and the Java API through their public surface only, from a user's project, offline.
java-example:
	mvn -B -o -f examples/java-junit5/pom.xml -Dwschaos.version=$(VERSION) clean test

# The benchmark suite (docs/benchmarks.md): see bench/run.sh. `bash bench/run.sh --quick` for a one-minute run.
bench: build
	bash bench/run.sh

# The reliability run (docs/reliability.md): longer fuzzing, soak, reconnect storms, leak checks; < 15 min.
# `bash bench/soak.sh --quick` for a short run.
soak: build
	bash bench/soak.sh

clean:
	$(MVN) clean
