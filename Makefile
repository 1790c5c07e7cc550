# The two set-up commands of the README: `make run` and `make test`.
MVN ?= mvn -q -B
JAR := target/wschaos.jar

.PHONY: build run test bench soak clean node

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

# Not quiet: Surefire's closing "Tests run: N, Failures: N…" line is what CI reads.
test: node_modules
	mvn -B clean verify

# The benchmark suite (docs/benchmarks.md): see bench/run.sh. `bash bench/run.sh --quick` for a one-minute run.
bench: build
	bash bench/run.sh

# The reliability run (docs/reliability.md): longer fuzzing, soak, reconnect storms, leak checks; < 15 min.
# `bash bench/soak.sh --quick` for a short run.
soak: build
	bash bench/soak.sh

clean:
	$(MVN) clean
