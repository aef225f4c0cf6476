package dev.latchkey.factor;

import dev.latchkey.support.Backend;

class FactorPersistencePostgresTest extends FactorPersistenceContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
