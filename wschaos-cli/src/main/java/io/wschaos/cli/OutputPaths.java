package io.wschaos.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Output flags ({@code --junit}, {@code --report}, {@code --timeline}) checked before anything
 * runs, so a suite that ran for minutes is not lost to a typo at the end. Each problem is bad
 * input: the flag, the path once, and the reason in the OS's words.
 */
final class OutputPaths {
  private OutputPaths() {}

  /** {@code file} can be created or overwritten as a regular file (its folders may not exist yet). */
  static void file(String flag, Path file) {
    if (Files.isDirectory(file)) {
      throw bad(flag, file, "is a directory");
    }
    if (Files.exists(file)) {
      writable(flag, file, file);
      return;
    }
    creatable(flag, file);
  }

  /** {@code dir} is a writable folder or can be created as one. */
  static void dir(String flag, Path dir) {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw bad(flag, dir, "not a directory");
      }
      writable(flag, dir, dir);
      return;
    }
    creatable(flag, dir);
  }

  private static void creatable(String flag, Path target) {
    Path ancestor = target.toAbsolutePath().getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor == null) {
      throw bad(flag, target, "no such file or directory");
    }
    if (!Files.isDirectory(ancestor)) {
      throw bad(flag, target, "not a directory (" + ancestor + " is a file)");
    }
    writable(flag, target, ancestor);
  }

  private static void writable(String flag, Path target, Path existing) {
    try {
      if (Files.getFileStore(existing).isReadOnly()) {
        throw bad(flag, target, "read-only file system");
      }
    } catch (IOException e) {
      throw bad(flag, target, reason(e));
    }
    if (!Files.isWritable(existing)) {
      throw bad(flag, target, "permission denied");
    }
  }

  private static CommandFailure bad(String flag, Path path, String why) {
    return new CommandFailure(ExitCode.BAD_INPUT, flag + " " + path + ": " + why + " (nothing ran)");
  }

  /**
   * The OS's reason for a file error, without the path: NIO's messages are often just the path
   * ("NoSuchFileException: target/x"), which printed after the path says it twice.
   */
  static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(Locale.ROOT);
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "exists and is not a directory";
    }
    return e.getMessage() == null ? "cannot be written" : e.getMessage();
  }
}
