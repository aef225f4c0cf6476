package dev.latchkey.factor;

import dev.latchkey.support.Backend;

class FactorPersistenceH2Test extends FactorPersistenceContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
