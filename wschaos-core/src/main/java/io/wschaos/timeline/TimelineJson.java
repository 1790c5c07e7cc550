package io.wschaos.timeline;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import io.wschaos.timeline.EventBody.Abort;
import io.wschaos.timeline.EventBody.Attempt;
import io.wschaos.timeline.EventBody.Close;
import io.wschaos.timeline.EventBody.ControlFrame;
import io.wschaos.timeline.EventBody.Ended;
import io.wschaos.timeline.EventBody.Fault;
import io.wschaos.timeline.EventBody.Gap;
import io.wschaos.timeline.EventBody.Http;
import io.wschaos.timeline.EventBody.Lost;
import io.wschaos.timeline.EventBody.Message;
import io.wschaos.timeline.EventBody.Open;
import io.wschaos.timeline.EventBody.Rejected;
import io.wschaos.timeline.EventBody.Unknown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One event as one JSON object (a JSONL line), and back; docs/timeline.md is the schema.
 *
 * <p>Every line starts with the header {@code v, seq, t, kind, link, client, phase}, then the
 * kind's fields, flattened. Times are milliseconds with microsecond precision ({@code 1234.567}),
 * enums are lowercase ({@code to: "server"}), null fields are omitted. {@link #KINDS} is the one
 * table that maps each kind to its fields. Nothing here redacts: {@link JsonlWriter} does.
 */
public final class TimelineJson {
  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static final Set<String> HEADER = Set.of("v", "seq", "t", "kind", "link", "client", "phase");

  /** Every kind: its name, its record, how its fields are written and read. */
  private static final List<Kind<?>> KINDS =
      List.of(
          kind("attempt", Attempt.class,
              (b, o) -> o.str("remote", b.remote()).str("path", b.path()).str("query", b.query())
                  .headers("headers", b.headers()).strs("subprotocols", b.subprotocols())
                  .str("extensions", b.extensions()),
              i -> new Attempt(i.str("remote"), i.str("path"), i.str("query"), i.headers("headers"),
                  i.strs("subprotocols"), i.str("extensions"))),
          kind("rejected", Rejected.class,
              (b, o) -> o.num("status", b.status()).str("by", b.by()).str("reason", b.reason()),
              i -> new Rejected(i.int32("status"), i.str("by"), i.str("reason"))),
          kind("open", Open.class,
              (b, o) -> o.str("subprotocol", b.subprotocol()),
              i -> new Open(i.str("subprotocol"))),
          kind("message", Message.class,
              (b, o) -> o.to("to", b.to()).num("id", b.id()).str("opcode", b.opcode())
                  .num("size", b.size()).num("frames", b.frames()).str("preview", b.preview())
                  .flag("truncated", b.truncated()),
              i -> new Message(i.to("to"), i.num("id"), i.str("opcode"), i.num("size"),
                  i.int32("frames"), i.str("preview"), i.flag("truncated"))),
          kind("frame", ControlFrame.class,
              (b, o) -> o.to("to", b.to()).str("opcode", b.opcode()).num("size", b.size()),
              i -> new ControlFrame(i.to("to"), i.str("opcode"), i.int32("size"))),
          kind("close", Close.class,
              (b, o) -> o.leg("leg", b.leg()).str("by", b.by()).num("code", b.code())
                  .str("reason", b.reason()).str("fault", b.fault()),
              i -> new Close(i.leg("leg"), i.str("by"), i.optInt("code"), i.str("reason"),
                  i.str("fault"))),
          kind("abort", Abort.class,
              (b, o) -> o.leg("leg", b.leg()).str("by", b.by()).str("mode", b.mode())
                  .str("fault", b.fault()).str("detail", b.detail()),
              i -> new Abort(i.leg("leg"), i.str("by"), i.str("mode"), i.str("fault"),
                  i.str("detail"))),
          kind("fault", Fault.class,
              (b, o) -> o.str("fault", b.fault()).str("name", b.name()).str("action", b.action())
                  .to("to", b.to()).num("message", b.message()).str("detail", b.detail()),
              i -> new Fault(i.str("fault"), i.str("name"), i.str("action"), i.to("to"),
                  i.optNum("message"), i.str("detail"))),
          kind("client", EventBody.ClientProcess.class,
              (b, o) -> o.str("action", b.action()).num("pid", b.pid()).num("code", b.code()).str("line", b.line()),
              i -> new EventBody.ClientProcess(i.str("action"), i.optNum("pid"), i.optInt("code"), i.str("line"))),
          kind("server", EventBody.ServerProcess.class,
              (b, o) -> o.str("action", b.action()).num("pid", b.pid()).num("code", b.code()).str("line", b.line()),
              i -> new EventBody.ServerProcess(i.str("action"), i.optNum("pid"), i.optInt("code"), i.str("line"))),
          kind("verdict", EventBody.Verdict.class,
              (b, o) -> o.str("expectation", b.expectation()).str("status", b.status()).str("sentence", b.sentence()).nums("evidence", b.evidence()),
              i -> new EventBody.Verdict(i.str("expectation"), i.str("status"), i.str("sentence"), i.nums("evidence"))),
          kind("egress", EventBody.Egress.class,
              (b, o) -> o.to("to", b.to()).num("id", b.id()).num("copy", b.copy()),
              i -> new EventBody.Egress(i.to("to"), i.num("id"), i.int32("copy"))),
          kind("ended", Ended.class,
              (b, o) -> o.num("bytes_to_server", b.bytesToServer())
                  .num("bytes_to_client", b.bytesToClient()),
              i -> new Ended(i.num("bytes_to_server"), i.num("bytes_to_client"))),
          kind("http", Http.class,
              (b, o) -> o.str("method", b.method()).str("path", b.path()).num("status", b.status())
                  .millis("duration_ms", b.micros()),
              i -> new Http(i.str("method"), i.str("path"), i.int32("status"),
                  i.millis("duration_ms"))),
          kind("gap", Gap.class,
              (b, o) -> o.num("missed", b.missed()),
              i -> new Gap(i.num("missed"))),
          kind("scenario", EventBody.Scenario.class,
              (b, o) -> o.str("name", b.name()).str("seed", b.seed()).millis("duration_ms", b.durationMicros()),
              i -> new EventBody.Scenario(i.str("name"), i.str("seed"), i.millis("duration_ms"))),
          kind("lost", Lost.class,
              (b, o) -> o.num("first", b.first()).num("last", b.last()),
              i -> new Lost(i.num("first"), i.num("last"))));

  private static final Map<Class<?>, Kind<?>> BY_TYPE =
      KINDS.stream().collect(Collectors.toUnmodifiableMap(Kind::type, Function.identity()));
  private static final Map<String, Kind<?>> BY_NAME =
      KINDS.stream().collect(Collectors.toUnmodifiableMap(Kind::name, Function.identity()));

  private TimelineJson() {}

  /** The kind names this version writes and reads. */
  public static Set<String> kinds() {
    return BY_NAME.keySet();
  }

  /** The event as one line of UTF-8 JSON, without the newline, exactly as given (not redacted). */
  public static byte[] toBytes(Event e) {
    try (ByteArrayBuilder buf = new ByteArrayBuilder(256);
        JsonGenerator g = MAPPER.getFactory().createGenerator(buf)) {
      write(g, e);
      g.flush();
      return buf.toByteArray();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
  }

  /**
   * A generator for writing many events to {@code out} (with {@link #write}), one object after
   * another with nothing between them: the caller adds the newlines. Writing a batch through one
   * generator costs a fraction of {@link #toBytes} per event.
   */
  public static JsonGenerator generator(java.io.OutputStream out) throws IOException {
    JsonGenerator g = MAPPER.getFactory().createGenerator(out);
    g.setRootValueSeparator(null);
    return g;
  }

  /**
   * Writes a message event without a preview (level {@code meta}'s bulk: one per message) into
   * {@code line} as the same JSON {@link #write} would make, without a generator; false, and
   * nothing written, for any other event. Through Jackson such an event cost the writer thread
   * more CPU than relaying the message (docs/benchmarks.md).
   */
  public static boolean writeMessage(Line line, Event e) {
    if (!(e.body() instanceof Message m) || m.preview() != null || m.truncated() || m.to() == null
        || e.t() < 0 || !plainAscii(m.opcode())) {
      return false;
    }
    line.reset();
    line.ascii("{\"v\":").digits(Event.SCHEMA_VERSION).ascii(",\"seq\":").digits(e.seq()).ascii(",\"t\":");
    long frac = e.t() % 1000;
    line.digits(e.t() / 1000).put('.').put('0' + frac / 100).put('0' + frac / 10 % 10).put('0' + frac % 10);
    line.ascii(",\"kind\":\"message\",\"link\":").digits(e.link()).ascii(",\"client\":").digits(e.client());
    line.ascii(e.phase() == Phase.RUN ? ",\"phase\":\"run\",\"to\":\"" : ",\"phase\":\"teardown\",\"to\":\"");
    line.ascii(m.to().wire()).ascii("\",\"id\":").digits(m.id()).ascii(",\"opcode\":\"").ascii(m.opcode());
    line.ascii("\",\"size\":").digits(m.size()).ascii(",\"frames\":").digits(m.frames()).put('}');
    return true;
  }

  /** Letters, digits and '_' only: nothing JSON would escape. */
  private static boolean plainAscii(String s) {
    if (s == null || s.length() > 32) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** A reusable buffer for one ASCII line (one per writer thread); holds any message line {@link #writeMessage} makes. */
  public static final class Line {
    /** 10^i for i in 0..18: a number below POWERS[k] has at most k digits. */
    private static final long[] POWERS = new long[19];

    static {
      POWERS[0] = 1;
      for (int i = 1; i < POWERS.length; i++) {
        POWERS[i] = POWERS[i - 1] * 10;
      }
    }

    private final byte[] b = new byte[512];
    private int n;

    void reset() {
      n = 0;
    }

    Line put(long c) {
      b[n++] = (byte) c;
      return this;
    }

    Line ascii(String s) {
      for (int i = 0; i < s.length(); i++) {
        b[n++] = (byte) s.charAt(i);
      }
      return this;
    }

    Line digits(long v) {
      if (v < 0) {
        if (v == Long.MIN_VALUE) {
          return ascii("-9223372036854775808");
        }
        put('-');
        v = -v;
      }
      int len = 1;
      while (len < POWERS.length && v >= POWERS[len]) {
        len++;
      }
      int i = n + len;
      n = i;
      while (v >= 100) { // two digits a step, by the constant 100: the JIT multiplies instead
        int q = (int) (v % 100);
        v /= 100;
        b[--i] = (byte) ('0' + q % 10);
        b[--i] = (byte) ('0' + q / 10);
      }
      b[--i] = (byte) ('0' + v % 10);
      if (v >= 10) {
        b[--i] = (byte) ('0' + v / 10);
      }
      return this;
    }

    /** Appends the line to {@code out} in one write. */
    public void writeTo(java.io.OutputStream out) throws IOException {
      out.write(b, 0, n);
    }

    @Override
    public String toString() {
      return new String(b, 0, n, StandardCharsets.US_ASCII);
    }
  }

  /** The event as one line of JSON, without the newline, exactly as given (not redacted). */
  public static String toLine(Event e) {
    return new String(toBytes(e), StandardCharsets.UTF_8);
  }

  /** Writes the event as one JSON object. */
  public static void write(JsonGenerator g, Event e) throws IOException {
    g.writeStartObject();
    g.writeNumberField("v", Event.SCHEMA_VERSION);
    g.writeNumberField("seq", e.seq());
    g.writeFieldName("t");
    g.writeNumber(millis(e.t()));
    g.writeStringField("kind", e.kind());
    g.writeNumberField("link", e.link());
    g.writeNumberField("client", e.client());
    g.writeStringField("phase", e.phase().name().toLowerCase(Locale.ROOT));
    EventBody body = e.body();
    if (body instanceof Unknown u) {
      for (Map.Entry<String, Object> f : u.fields().entrySet()) {
        if (f.getValue() != null && !HEADER.contains(f.getKey())) {
          g.writeObjectField(f.getKey(), f.getValue());
        }
      }
    } else {
      Kind<?> kind = BY_TYPE.get(body.getClass());
      if (kind == null) {
        throw new IllegalStateException("no JSON mapping for " + body.getClass().getName());
      }
      kind.write(body, new Out(g));
    }
    g.writeEndObject();
  }

  /** Parses one line; throws {@link TimelineFormatException} (without a line number) if it is not an event. */
  public static Event fromLine(String line) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new TimelineFormatException("not JSON: " + e.getOriginalMessage());
    }
    return fromNode(node);
  }

  /**
   * Reads one event. Unknown fields are ignored and unknown kinds become {@link Unknown}, so files
   * from a newer minor version read; a newer major {@code v} is refused.
   */
  public static Event fromNode(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new TimelineFormatException("an event must be a JSON object");
    }
    In header = new In(node, "event");
    long v = header.num("v");
    if (v > Event.SCHEMA_VERSION) {
      throw new TimelineFormatException(
          "timeline schema version v=" + v + " is newer than this wschaos reads (v="
              + Event.SCHEMA_VERSION + "); upgrade wschaos to read this file");
    }
    if (v < 1) {
      throw new TimelineFormatException("field 'v' must be 1 or more, got " + v);
    }
    long seq = header.num("seq");
    long t = header.millis("t");
    String kindName = header.str("kind");
    if (kindName == null) {
      throw new TimelineFormatException("field 'kind' is missing");
    }
    int link = header.int32("link");
    int client = header.int32("client");
    String phaseName = header.str("phase");
    Phase phase;
    if ("run".equals(phaseName)) {
      phase = Phase.RUN;
    } else if ("teardown".equals(phaseName)) {
      phase = Phase.TEARDOWN;
    } else {
      throw new TimelineFormatException("field 'phase' must be run or teardown, got " + phaseName);
    }
    Kind<?> kind = BY_NAME.get(kindName);
    EventBody body = kind != null ? kind.reader().read(new In(node, kindName)) : unknown(kindName, node);
    return new Event(seq, t, link, client, phase, body);
  }

  /** Microseconds as milliseconds with three decimals: 1234567 → {@code 1234.567}. */
  public static String millis(long micros) {
    long ms = micros / 1000;
    long frac = Math.abs(micros % 1000);
    String sign = micros < 0 && ms == 0 ? "-" : "";
    return sign + ms + "." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + frac;
  }

  /** Milliseconds back to whole microseconds (rounded half up beyond three decimals). */
  public static long micros(BigDecimal millis) {
    return millis.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  private static Unknown unknown(String kind, JsonNode node) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!HEADER.contains(f.getKey())) {
        fields.put(f.getKey(), MAPPER.convertValue(f.getValue(), Object.class));
      }
    }
    return new Unknown(kind, Collections.unmodifiableMap(fields));
  }

  private static <B extends EventBody> Kind<B> kind(
      String name, Class<B> type, BodyWriter<B> writer, BodyReader reader) {
    return new Kind<>(name, type, writer, reader);
  }

  private interface BodyWriter<B> {
    void write(B body, Out out) throws IOException;
  }

  private interface BodyReader {
    EventBody read(In in);
  }

  private record Kind<B extends EventBody>(
      String name, Class<B> type, BodyWriter<B> writer, BodyReader reader) {
    void write(EventBody body, Out out) throws IOException {
      writer.write(type.cast(body), out);
    }
  }

  /** Writes fields, leaving out nulls. */
  private static final class Out {
    private final JsonGenerator g;

    Out(JsonGenerator g) {
      this.g = g;
    }

    Out str(String field, String value) throws IOException {
      if (value != null) {
        g.writeStringField(field, value);
      }
      return this;
    }

    Out num(String field, long value) throws IOException {
      g.writeNumberField(field, value);
      return this;
    }

    Out num(String field, Long value) throws IOException {
      if (value != null) {
        g.writeNumberField(field, value.longValue());
      }
      return this;
    }

    Out num(String field, Integer value) throws IOException {
      if (value != null) {
        g.writeNumberField(field, value.intValue());
      }
      return this;
    }

    /** Written only when true: absent means false. */
    Out flag(String field, boolean value) throws IOException {
      if (value) {
        g.writeBooleanField(field, true);
      }
      return this;
    }

    Out millis(String field, long micros) throws IOException {
      g.writeFieldName(field);
      g.writeNumber(TimelineJson.millis(micros));
      return this;
    }

    Out to(String field, Direction d) throws IOException {
      return str(field, d == null ? null : d.wire());
    }

    Out leg(String field, Leg leg) throws IOException {
      return str(field, leg == null ? null : leg.wire());
    }

    Out strs(String field, List<String> values) throws IOException {
      if (values != null) {
        g.writeArrayFieldStart(field);
        for (String v : values) {
          g.writeString(v);
        }
        g.writeEndArray();
      }
      return this;
    }

    Out nums(String field, List<Long> values) throws IOException {
      if (values != null) {
        g.writeArrayFieldStart(field);
        for (Long v : values) {
          g.writeNumber(v);
        }
        g.writeEndArray();
      }
      return this;
    }

    Out headers(String field, Map<String, List<String>> headers) throws IOException {
      if (headers != null) {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
          strs(h.getKey(), h.getValue() == null ? List.of() : h.getValue());
        }
        g.writeEndObject();
      }
      return this;
    }
  }

  /** Reads fields of one kind with messages that name the kind and the field. */
  private static final class In {
    private final JsonNode node;
    private final String kind;

    In(JsonNode node, String kind) {
      this.node = node;
      this.kind = kind;
    }

    private JsonNode get(String field) {
      JsonNode v = node.get(field);
      return v == null || v.isNull() ? null : v;
    }

    private TimelineFormatException bad(String field, String expected, JsonNode got) {
      return new TimelineFormatException(
          kind + ": field '" + field + "' must be " + expected + ", got " + (got == null ? "nothing" : got));
    }

    String str(String field) {
      JsonNode v = get(field);
      if (v == null) {
        return null;
      }
      if (!v.isTextual()) {
        throw bad(field, "a string", v);
      }
      return v.textValue();
    }

    long num(String field) {
      JsonNode v = get(field);
      if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
        throw bad(field, "an integer", v);
      }
      return v.longValue();
    }

    int int32(String field) {
      JsonNode v = get(field);
      if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
        throw bad(field, "a 32-bit integer", v);
      }
      return v.intValue();
    }

    Integer optInt(String field) {
      return get(field) == null ? null : int32(field);
    }

    Long optNum(String field) {
      return get(field) == null ? null : num(field);
    }

    boolean flag(String field) {
      JsonNode v = get(field);
      if (v == null) {
        return false;
      }
      if (!v.isBoolean()) {
        throw bad(field, "true or false", v);
      }
      return v.booleanValue();
    }

    long millis(String field) {
      JsonNode v = get(field);
      if (v == null || !v.isNumber()) {
        throw bad(field, "a number of milliseconds", v);
      }
      try {
        return micros(v.decimalValue());
      } catch (ArithmeticException tooBig) {
        throw bad(field, "a number of milliseconds", v);
      }
    }

    Direction to(String field) {
      String s = str(field);
      if (s == null) {
        return null;
      }
      try {
        return Direction.fromWire(s);
      } catch (IllegalArgumentException e) {
        throw bad(field, "server or client", get(field));
      }
    }

    Leg leg(String field) {
      String s = str(field);
      if (s == null) {
        return null;
      }
      for (Leg leg : Leg.values()) {
        if (leg.wire().equals(s)) {
          return leg;
        }
      }
      throw bad(field, "client or server", get(field));
    }

    List<Long> nums(String field) {
      JsonNode v = get(field);
      if (v == null) {
        return null;
      }
      if (!v.isArray()) {
        throw bad(field, "an array of numbers", v);
      }
      List<Long> out = new ArrayList<>(v.size());
      for (JsonNode n : v) {
        if (!n.canConvertToLong()) {
          throw bad(field, "an array of numbers", v);
        }
        out.add(n.asLong());
      }
      return out;
    }

    List<String> strs(String field) {
      JsonNode v = get(field);
      return v == null ? null : strings(field, v);
    }

    private List<String> strings(String field, JsonNode v) {
      if (!v.isArray()) {
        throw bad(field, "an array of strings", v);
      }
      List<String> out = new ArrayList<>(v.size());
      for (JsonNode s : v) {
        if (!s.isTextual()) {
          throw bad(field, "an array of strings", v);
        }
        out.add(s.textValue());
      }
      return Collections.unmodifiableList(out);
    }

    Map<String, List<String>> headers(String field) {
      JsonNode v = get(field);
      if (v == null) {
        return null;
      }
      if (!v.isObject()) {
        throw bad(field, "an object of string arrays", v);
      }
      Map<String, List<String>> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> h = it.next();
        out.put(h.getKey(), strings(field + "." + h.getKey(), h.getValue()));
      }
      return Collections.unmodifiableMap(out);
    }
  }
}
