package ai.solo.examples.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measurement of one side, as a child prints it: {@code RESULT {json}} (the field names of
 * {@code bench/PROTOCOL.md}).
 *
 * @param side {@code java} or {@code python}
 * @param measure the measurement: {@code matmul}, {@code train}, {@code generate}, {@code batch},
 *     {@code preprocess} or {@code load}
 * @param config the model config's name, or null
 * @param tokens packed tokens per training step, or null
 * @param threads intra-op threads
 * @param metrics the numbers (and a few lists and flags) of the measurement
 * @param peakRssMib peak resident set of the child process
 * @param peakHeapMib peak Java heap, null for Python
 * @param runtime versions, BLAS and settings of the side
 */
public record BenchResult(String side, String measure, String config, Integer tokens, int threads,
        Map<String, Object> metrics, double peakRssMib, Double peakHeapMib, Map<String, Object> runtime) {
    /** The prefix of the line a child prints. */
    public static final String PREFIX = "RESULT ";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @return the result as one JSON object, keys as in the protocol */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("side", side);
        m.put("measure", measure);
        m.put("config", config);
        m.put("tokens", tokens);
        m.put("threads", threads);
        m.put("metrics", metrics);
        m.put("peak_rss_mib", peakRssMib);
        m.put("peak_heap_mib", peakHeapMib);
        m.put("runtime", runtime);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("result not serialisable: " + m, e);
        }
    }

    /**
     * @param json one JSON object as {@link #toJson()} writes it (or the Python peer)
     * @return the result
     * @throws IllegalArgumentException naming the missing or malformed field
     */
    @SuppressWarnings("unchecked")
    public static BenchResult parse(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON result: " + e.getOriginalMessage());
        }
        for (String field : new String[] {"side", "measure", "threads", "metrics", "peak_rss_mib"}) {
            if (n == null || !n.hasNonNull(field)) {
                throw new IllegalArgumentException("result has no '" + field + "': " + json);
            }
        }
        if (!n.get("metrics").isObject()) {
            throw new IllegalArgumentException("result's 'metrics' is not an object: " + json);
        }
        return new BenchResult(n.get("side").asText(), n.get("measure").asText(), text(n, "config"),
                n.hasNonNull("tokens") ? n.get("tokens").asInt() : null, n.get("threads").asInt(),
                JSON.convertValue(n.get("metrics"), LinkedHashMap.class), n.get("peak_rss_mib").asDouble(),
                n.hasNonNull("peak_heap_mib") ? n.get("peak_heap_mib").asDouble() : null,
                n.hasNonNull("runtime") ? JSON.convertValue(n.get("runtime"), LinkedHashMap.class) : Map.of());
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    /**
     * @param name a metric
     * @return its value, NaN when the result does not have it
     */
    public double metric(String name) {
        Object v = metrics.get(name);
        return v instanceof Number num ? num.doubleValue() : Double.NaN;
    }

    /** @return what identifies the measurement across sides: measure, config, tokens */
    public String key() {
        return measure + (config == null ? "" : " " + config) + (tokens == null ? "" : " " + tokens);
    }
}
