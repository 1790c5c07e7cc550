package io.wschaos.expect;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.spec.ParamException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;

/**
 * DESIGN "per client, per socket": an expectation holds only if it holds for every logical client
 * judged alone, so that one client's evidence never covers for another's (a second instance's
 * numbers filling the first one's gap, one instance's acks answering for one that never acks).
 * {@code client: any} pools every client into one judgement, as before.
 */
public final class PerClient {
  public static final String ALLOWED = "each (default: every client judged alone) or any (all clients pooled)";
  private static final int SAID = 3;

  private PerClient() {}

  /** Parses the {@code client} parameter: true when the clients are pooled ({@code any}). */
  public static boolean pooled(JsonNode n) {
    if (n == null || n.isNull()) {
      return false;
    }
    ParamException.require(n.isTextual() && (n.asText().equals("each") || n.asText().equals("any")), "client", n + " is not " + ALLOWED);
    return n.asText().equals("any");
  }

  /**
   * {@code judge} applied to each client's own story (or once to the whole timeline when pooled or
   * when there is at most one client), combined: the first fail, else the first undecided, else a
   * pass; final only when every client's verdict is.
   */
  public static Verdict judge(Judging judging, boolean pooled, Function<Judging, Verdict> judge) {
    Story st = Story.of(judging);
    List<Integer> clients = st.clients();
    if (pooled || clients.size() <= 1) {
      return judge.apply(judging);
    }
    List<Verdict> vs = new ArrayList<>();
    boolean allFinal = true;
    for (int c : clients) {
      Verdict v = judge.apply(st.forClient(c).judging());
      v = named(st.label(c), v);
      if (v.status() == Verdict.Status.FAIL) {
        return v;
      }
      allFinal &= v.isFinal();
      vs.add(v);
    }
    for (Verdict v : vs) {
      if (v.status() == Verdict.Status.UNDECIDED) {
        return new Verdict(v.status(), allFinal, v.sentence(), v.evidence());
      }
    }
    LinkedHashSet<Long> evidence = new LinkedHashSet<>();
    List<String> said = new ArrayList<>();
    for (Verdict v : vs) {
      evidence.addAll(v.evidence().subList(0, Math.min(v.evidence().size(), 20)));
      if (said.size() < SAID) {
        said.add(v.sentence());
      }
    }
    String more = vs.size() > SAID ? "; and likewise for the other " + (vs.size() - SAID) + " clients" : "";
    return Verdict.pass(allFinal, "all " + vs.size() + " clients, each judged alone: " + String.join("; ", said) + more, List.copyOf(evidence));
  }

  /** The sentence, starting with the client it is about unless it already names it. */
  private static Verdict named(String label, Verdict v) {
    if (v.sentence().contains(label)) {
      return v;
    }
    return new Verdict(v.status(), v.isFinal(), label + ": " + v.sentence(), v.evidence());
  }
}
