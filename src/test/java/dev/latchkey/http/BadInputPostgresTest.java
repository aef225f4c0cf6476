package dev.latchkey.http;

import dev.latchkey.support.Backend;

class BadInputPostgresTest extends BadInputContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
