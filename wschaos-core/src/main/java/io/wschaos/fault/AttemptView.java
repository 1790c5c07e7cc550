package io.wschaos.fault;

import java.util.List;
import java.util.Map;

/**
 * A handshake attempt as faults and triggers see it.
 *
 * @param number the attempt's link number (1, 2, 3… per proxy)
 * @param client the logical client, 0 when unknown
 * @param ordinal the attempt's number for this client (1 for its first)
 */
public record AttemptView(int number, int client, int ordinal, String path, String query, Map<String, List<String>> headers) {}
