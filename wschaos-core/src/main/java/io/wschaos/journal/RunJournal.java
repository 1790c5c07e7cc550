package io.wschaos.journal;

import io.wschaos.timeline.Event;
import io.wschaos.timeline.JsonlReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything one run of one scenario left behind, and all the reports read: what ran (scenario,
 * file, seed, run number), when, its timeline, a verdict per expectation, and the environment error
 * that stopped it, if one did. Immutable.
 *
 * <p>The timeline is either in memory ({@code events}) or, when it outgrew memory, the JSONL file it
 * spilled to ({@code timelineFile}, already redacted); {@link #timeline()} reads either.
 *
 * <p>Times: {@code originMicros} is scenario t = 0 (the proxy listening and the server ready) on the
 * timeline's clock, the clock of every event's {@code t}; server start-up events come before it.
 *
 * @param scenario the scenario's name
 * @param file the scenario file, or null when it was built in code
 * @param run which run of the scenario this is, from 1 ({@code --repeat})
 * @param runs how many runs of the scenario the suite made
 * @param instances client instances the runner started (1 for an external client)
 * @param endedEarly every verdict was final before {@code duration}
 * @param verdicts in the scenario's order of expectations; empty when an environment error came first
 * @param environmentError the one-line reason the run could not be judged, or null
 */
public record RunJournal(
    String scenario,
    Path file,
    long seed,
    int run,
    int runs,
    int instances,
    Instant started,
    Instant ended,
    long originMicros,
    long durationMicros,
    boolean endedEarly,
    List<Event> events,
    Path timelineFile,
    List<VerdictEntry> verdicts,
    String environmentError) {

  /** How a run ended, worst last. */
  public enum Outcome {
    PASSED,
    FAILED,
    ERROR
  }

  public RunJournal {
    Objects.requireNonNull(scenario, "scenario");
    events = events == null ? null : List.copyOf(events);
    verdicts = List.copyOf(verdicts);
    if (events == null && timelineFile == null) {
      events = List.of();
    }
  }

  /** ERROR with an environment error, else FAILED when any verdict is not a pass, else PASSED. */
  public Outcome outcome() {
    if (environmentError != null) {
      return Outcome.ERROR;
    }
    return verdicts.stream().allMatch(VerdictEntry::passed) ? Outcome.PASSED : Outcome.FAILED;
  }

  /** The verdicts that failed or stayed undecided. */
  public List<VerdictEntry> failures() {
    return verdicts.stream().filter(v -> !v.passed()).toList();
  }

  public Duration elapsed() {
    return Duration.between(started, ended);
  }

  /** Every event of the run, oldest first: from memory, or read back from the spilled file. */
  public List<Event> timeline() throws IOException {
    return events != null ? events : JsonlReader.read(timelineFile);
  }

  /** The scenario's identity in a suite: its file, or its name when built in code. */
  public String key() {
    return file != null ? file.toString() : scenario;
  }
}
