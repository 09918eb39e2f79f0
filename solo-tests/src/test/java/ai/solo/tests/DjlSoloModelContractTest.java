package ai.solo.tests;

import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import java.nio.file.Path;

/** The DJL implementation, reached only through the public API and ServiceLoader. */
class DjlSoloModelContractTest extends SoloModelContract {
    @Override
    protected SoloModel create(SoloConfig config, long seed) {
        return SoloModel.create(config, seed);
    }

    @Override
    protected SoloModel load(Path dir) {
        return SoloModel.load(dir);
    }
}
