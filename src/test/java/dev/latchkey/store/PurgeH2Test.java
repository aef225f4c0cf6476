package dev.latchkey.store;

import dev.latchkey.support.Backend;

class PurgeH2Test extends PurgeContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
