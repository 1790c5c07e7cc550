package io.wschaos.fault.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.fault.AttemptView;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.HandshakeAction;
import io.wschaos.fault.ListenerStage;
import io.wschaos.spec.ParamException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A failed handshake: the proxy answers upgrade requests itself with {@code status}, its headers
 * (e.g. {@code Retry-After}) and body; the server never sees them. With {@code count}, only the next
 * N attempts are rejected.
 */
public final class RejectHandshakeFault implements Fault {
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /**
   * @param status the HTTP status, 400–599
   * @param headers response headers: name → value, or name → list of values (sent once each)
   * @param body the response body (default empty)
   * @param count reject this many attempts, then let handshakes through (default: every one)
   */
  public record Params(Integer status, JsonNode headers, String body, Integer count) {
    public Params {
      ParamException.require(status != null, "status", "reject_handshake needs a status (400-599), e.g. 503");
      ParamException.require(status >= 400 && status <= 599, "status", status + " is not an error status (400-599)");
      headerLists(headers); // validates
      body = body == null ? "" : body;
      ParamException.require(count == null || count >= 1, "count", "count is a number of rejections ≥ 1");
    }

    /** The headers as name → values, in the order written. */
    public Map<String, List<String>> headerLists() {
      return headerLists(headers);
    }

    private static Map<String, List<String>> headerLists(JsonNode headers) {
      if (headers == null || headers.isNull()) {
        return Map.of();
      }
      ParamException.require(headers.isObject(), "headers", "headers is a map of name → value or list of values, e.g. {Retry-After: 5}");
      Map<String, List<String>> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> h = it.next();
        String name = h.getKey();
        String key = "headers." + name;
        ParamException.require(TOKEN.matcher(name).matches(), key, "'" + name + "' is not a header name");
        String lower = name.toLowerCase(Locale.ROOT);
        ParamException.require(
            !lower.equals("content-length") && !lower.equals("transfer-encoding"),
            key,
            name + " is set by the proxy from the body");
        List<String> values = new ArrayList<>();
        JsonNode v = h.getValue();
        if (v.isArray()) {
          for (JsonNode e : v) {
            values.add(value(e, key));
          }
        } else {
          values.add(value(v, key));
        }
        out.put(name, Collections.unmodifiableList(values));
      }
      return Collections.unmodifiableMap(out);
    }

    private static String value(JsonNode v, String key) {
      ParamException.require(v.isValueNode() && !v.isNull(), key, "a header value is a string or a number (or a list of them)");
      String s = v.asText();
      ParamException.require(s.indexOf('\r') < 0 && s.indexOf('\n') < 0, key, "a header value cannot hold a line break");
      return s;
    }
  }

  private final Params p;
  private final Map<String, List<String>> headers;

  public RejectHandshakeFault(Params p) {
    this.p = p;
    this.headers = p.headerLists();
  }

  @Override
  public ListenerStage listener(FaultContext ctx) {
    return new ListenerStage() {
      private int rejected; // the engine asks its listener stages one handshake at a time

      @Override
      public String faultId() {
        return ctx.faultId();
      }

      @Override
      public HandshakeAction onHandshake(AttemptView attempt) {
        if (p.count() != null && rejected >= p.count()) {
          return null;
        }
        rejected++;
        ctx.record("rejected", null, 0, "attempt " + attempt.number() + ": " + p.status() + (p.count() == null ? "" : " (" + rejected + " of " + p.count() + ")"));
        return new HandshakeAction.Reject(p.status(), headers, p.body(), ctx.faultId());
      }
    };
  }
}
