package io.wschaos.expect.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.spec.SpecException;
import io.wschaos.spec.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expectation entries from YAML: a bad value is one problem whose path names the key and says what is allowed. */
class ExpectationParsingTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', textBlock = """
      reconnect: {within: soon}                                       | expect[0].reconnect.within            | duration
      reconnect: {after: {close: 999}, within: 3s}                    | expect[0].reconnect.after.close       | is not a close code (1000-4999)
      reconnect: {after: {clos: 1001}, within: 3s}                    | expect[0].reconnect.after.clos        | unknown end 'clos'
      reconnect: {after: sometimes, within: 3s}                       | expect[0].reconnect.after             | 'sometimes' is not an end
      reconnect: {after: {close: 4999-4000}, within: 3s}              | expect[0].reconnect.after.close       | write the smaller code first
      reconnect: {after: any}                                         | expect[0].reconnect.within            | needs within
      reconnect: {within: 3s, withn: 2s}                              | expect[0].reconnect.withn             | did you mean
      reconnect: {within: 3s, tolerance: lots}                        | expect[0].reconnect.tolerance         | a duration (250ms), a percentage (10%)
      no_reconnect: {after: {close: 4003}}                            | expect[0].no_reconnect.for            | needs for
      no_reconnect: {for: 10s}                                        | expect[0].no_reconnect.after          | the fatal ends
      no_reconnect: {after: {rejected: 700}, for: 10s}                | expect[0].no_reconnect.after.rejected | HTTP status (100-599)
      backoff: {attempts: 1}                                          | expect[0].backoff.attempts            | ≥ 2
      backoff: {initial: {min: 2s, max: 1s}}                          | expect[0].backoff.initial.max         | is below initial.min
      backoff: {factor: {min: 0.5}}                                   | expect[0].backoff.factor.min          | ≥ 1
      backoff: {initial: {min: 1s}, cap: {max: 1s}}                   | expect[0].backoff.cap.max             | must be allowed to grow twice
      backoff: {jitter: half}                                         | expect[0].backoff.jitter              | none, equal, full
      backoff: {jitter: 1.5}                                          | expect[0].backoff.jitter              | in [0, 1]
      backoff_reset: {within: 1s}                                     | expect[0].backoff_reset.stable        | needs stable
      max_attempts: {per: 10s}                                        | expect[0].max_attempts.count          | needs count
      max_attempts: {count: 5, client: all}                           | expect[0].max_attempts.client         | any
      delivered: {seq: client_seq, match: {type: tick}}               | expect[0].delivered.match             | not both
      delivered: {seq: {match: {type: tick}}}                         | expect[0].delivered.seq               | needs field
      delivered: {seq: {match: {type: tick}, feld: /n}}               | expect[0].delivered.seq.feld          | unknown key 'feld'
      delivered: {ordered: true, match: {type: tick}}                 | expect[0].delivered.ordered           | needs a sequence
      delivered: {duplicated: some}                                   | expect[0].delivered.duplicated        | any (default)
      delivered: {match: {type: {regx: x}}}                           | expect[0].delivered.match             | unknown operator 'regx'
      delivered: {to: sideways}                                       | expect[0].delivered.to                | server or client
      acked: {}                                                       | expect[0].acked.within                | needs within
      acked: {within: 1s, ack: {match: {type: ack}}}                  | expect[0].acked.ack                   | needs field
      heartbeat: {every: 0s}                                          | expect[0].heartbeat.every             | > 0
      detects_dead_link: {}                                           | expect[0].detects_dead_link.within    | needs within
      survives: {fault: bad}                                          | expect[0].survives.for                | needs for
      survives: {fault: bad, for: 5s, still: {kind: nope}}            | expect[0].survives.still.kind         | is not a kind of event
      survives: {fault: bad, for: 5s, still: {kind: message, min: 3, max: 1}} | expect[0].survives.still.max  | is below min
      handshake: {}                                                   | expect[0].handshake                   | at least one of query, headers or subprotocols
      handshake: {query: {token: {regex: '('}}}                       | expect[0].handshake.query.token.regex | regular expression
      resumes: {}                                                     | expect[0].resumes.from                | a query key
      closes_cleanly: {code: 999}                                     | expect[0].closes_cleanly.code         | is not a close code
      herd: {after: abort, spread: {min: 2s}}                         | expect[0].herd.after                  | {fault: ID}
      herd: {after: {fault: restart}}                                 | expect[0].herd                        | spread: {min: DURATION}, peak: {max: N}
      events: {kind: nothing}                                         | expect[0].events.kind                 | is not a kind of event
      events: {kind: message, count: 3, min: 1}                       | expect[0].events.count                | not both
      events: {kind: message, within: [8s, 2s]}                       | expect[0].events.within               | is after its to
      events: {kind: open, to: server}                                | expect[0].events.to                   | goes with kind message
      """)
  void aBadValueIsOneProblemThatNamesItsKey(String yaml, String path, String says) {
    SpecException e = assertThrows(SpecException.class, () -> Expect.of(yaml));
    assertEquals(1, e.problems().size(), e.getMessage());
    Problem p = e.problems().get(0);
    assertEquals(path, p.path(), p.toString());
    assertTrue(p.message().contains(says), "'" + p.message() + "' should say what is allowed (" + says + ")");
  }

  @Test
  void anUnknownExpectationNamesTheKnownOnes() {
    SpecException e = assertThrows(SpecException.class, () -> Expect.of("reconect: {within: 3s}"));
    assertTrue(e.getMessage().contains("unknown expectation 'reconect'") && e.getMessage().contains("did you mean"), e.getMessage());
  }
}
