package dev.latchkey.http;

import dev.latchkey.support.Backend;

class HostedApiH2Test extends HostedApiContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
