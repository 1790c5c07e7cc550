package io.wschaos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Flags of proxy and demo-server that are bad input: one located line, exit 2, nothing logged before it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadFlagsTest {
  @TempDir Path dir;
  String out;
  String err;

  private int main(String... args) {
    ConsoleRun run = ConsoleRun.of(args);
    out = run.out();
    err = run.err();
    return run.exit();
  }

  @Test
  void brokenYamlInAFaultFlagIsLocatedLikeAFile() {
    int code = main("proxy", "--upstream", "ws://127.0.0.1:9", "--api", "off",
        "--fault", "{delay: {to: client, by: 1ms}}", "--fault", "{delay: {to: client by: 2ms}}");
    assertEquals(2, code, out + err);
    assertEquals("wschaos: --fault[2]:1:23: YAML syntax error: expected ',' or '}', but got : (while parsing a flow mapping at 1:9)",
        err.strip(), "the same words as validate gives a file, located in the argument");
  }

  @Test
  void aStateFlagNamingAFolderIsOneLineAndExitTwo() {
    int code = main("demo-server", "--port", "0", "--state", dir.toString());
    assertEquals(2, code, out + err);
    assertEquals("wschaos: --state " + dir + ": is a directory (nothing ran)", err.strip());
    assertEquals("", out);
  }

  @Test
  void aStatePathUnderAFileIsOneLineWithNoLogLineBeforeIt() throws Exception {
    Path file = Files.writeString(dir.resolve("plain"), "x");
    int code = main("demo-server", "--port", "0", "--state", file.resolve("state.json").toString());
    assertEquals(2, code, out + err);
    assertEquals("wschaos: --state " + file.resolve("state.json") + ": not a directory (" + file + " is a file) (nothing ran)", err.strip());
    assertFalse(out.contains("WARN") || out.contains("Exception"), out);
  }

  @Test
  void aStateFileWithBadContentIsBadInput() throws Exception {
    Path state = Files.writeString(dir.resolve("state.json"), "{\"nextSeq\": 0}");
    int code = main("demo-server", "--port", "0", "--state", state.toString());
    assertEquals(2, code, out + err);
    assertEquals("wschaos: --state: state file " + state + ": nextSeq must be an integer of at least 1", err.strip());
  }
}
