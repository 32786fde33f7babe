package dev.lambdo.fly;

import java.util.List;

/** A page of log lines, oldest first, and the token to ask for what comes after them. */
public record LogPage(List<LogLine> lines, String nextToken) {}
