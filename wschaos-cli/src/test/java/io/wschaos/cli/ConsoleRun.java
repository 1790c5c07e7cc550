package io.wschaos.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One {@code Main.run} with its stdout and stderr kept, as a user's terminal would show them. */
record ConsoleRun(int exit, String out, String err) {
  static ConsoleRun of(String... args) {
    return of(Wiring.builtin(), args);
  }

  /** The command line built with {@code wiring} (test catalogues, scenarios built in code). */
  static ConsoleRun of(Wiring wiring, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int exit = Main.run(wiring, new PrintWriter(o, true), new PrintWriter(e, true), args);
    return new ConsoleRun(exit, o.toString(), e.toString());
  }
}
