package dev.latchkey.http;

import dev.latchkey.support.Backend;

class HostileInputH2Test extends HostileInputContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
