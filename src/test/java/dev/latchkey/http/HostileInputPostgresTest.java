package dev.latchkey.http;

import dev.latchkey.support.Backend;

class HostileInputPostgresTest extends HostileInputContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
