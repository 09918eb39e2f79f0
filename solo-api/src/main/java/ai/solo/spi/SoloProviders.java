package ai.solo.spi;

import ai.solo.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds the {@link SoloProvider} on the class path with {@link ServiceLoader}, once.
 *
 * <p>When several are present the system property {@code solo.provider} picks one by
 * {@link SoloProvider#name()}. Thread-safe.
 */
public final class SoloProviders {
    /** System property naming the provider to use when several are on the class path. */
    public static final String PROVIDER_PROPERTY = "solo.provider";

    private static volatile SoloProvider provider;

    private SoloProviders() {
    }

    /**
     * @return the provider of this class path
     * @throws EngineException if there is none (solo-impl is missing) or the chosen one is absent
     */
    public static SoloProvider get() {
        SoloProvider p = provider;
        if (p == null) {
            synchronized (SoloProviders.class) {
                p = provider;
                if (p == null) {
                    p = find();
                    provider = p;
                }
            }
        }
        return p;
    }

    private static SoloProvider find() {
        List<SoloProvider> found = new ArrayList<>();
        ServiceLoader.load(SoloProvider.class, SoloProviders.class.getClassLoader()).forEach(found::add);
        if (found.isEmpty()) {
            throw new EngineException("No SOLO implementation on the class path: add the Maven "
                    + "dependency ai.solo:solo-impl (runtime scope is enough)");
        }
        String wanted = System.getProperty(PROVIDER_PROPERTY);
        if (wanted == null) {
            return found.get(0);
        }
        List<String> names = new ArrayList<>();
        for (SoloProvider candidate : found) {
            if (candidate.name().equals(wanted)) {
                return candidate;
            }
            names.add(candidate.name());
        }
        throw new EngineException("System property " + PROVIDER_PROPERTY + "=" + wanted
                + " names no provider on the class path; found " + names);
    }
}
