package dev.latchkey.http;

import dev.latchkey.support.Backend;

class HostedApiPostgresTest extends HostedApiContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
