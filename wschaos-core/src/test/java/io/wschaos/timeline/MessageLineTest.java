package io.wschaos.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.frame.Direction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Positive;
import org.junit.jupiter.api.Test;

/** The writer's fast path for message events writes what Jackson writes, byte for byte, or declines. */
class MessageLineTest {
  @Property(tries = 500)
  void aMessageLineIsTheLineJacksonWrites(
      @ForAll @Positive long seq,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long t,
      @ForAll @IntRange(min = 0) int link,
      @ForAll @IntRange(min = 0) int client,
      @ForAll boolean teardown,
      @ForAll boolean toServer,
      @ForAll @LongRange(min = 0) long id,
      @ForAll @IntRange(min = 0, max = 2) int opcode,
      @ForAll @LongRange(min = 0) long size,
      @ForAll @IntRange(min = 1) int frames) {
    Event e = new Event(seq, t, link, client, teardown ? Phase.TEARDOWN : Phase.RUN,
        new EventBody.Message(toServer ? Direction.TO_SERVER : Direction.TO_CLIENT, id,
            new String[] {"text", "binary", "continuation"}[opcode], size, frames, null, false));
    TimelineJson.Line line = new TimelineJson.Line();
    assertTrue(TimelineJson.writeMessage(line, e));
    assertEquals(TimelineJson.toLine(e), line.toString());
    assertEquals(e, TimelineJson.fromLine(line.toString()), "and it reads back as the same event");
  }

  @Test
  void eventsItDoesNotKnowGoThroughJackson() {
    TimelineJson.Line line = new TimelineJson.Line();
    EventBody.Message withPreview = new EventBody.Message(Direction.TO_CLIENT, 1, "text", 2, 1, "hi", false);
    assertFalse(TimelineJson.writeMessage(line, new Event(1, 5, 1, 0, Phase.RUN, withPreview)));
    EventBody.Message odd = new EventBody.Message(Direction.TO_CLIENT, 1, "te\"xt", 2, 1, null, false);
    assertFalse(TimelineJson.writeMessage(line, new Event(1, 5, 1, 0, Phase.RUN, odd)));
    EventBody.Message plain = new EventBody.Message(Direction.TO_CLIENT, 1, "text", 2, 1, null, false);
    assertFalse(TimelineJson.writeMessage(line, new Event(1, -5, 1, 0, Phase.RUN, plain)), "a negative t");
    assertFalse(TimelineJson.writeMessage(line, new Event(1, 5, 1, 0, Phase.RUN, new EventBody.Open(null))));
  }
}
