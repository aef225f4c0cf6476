package dev.latchkey.http;

import dev.latchkey.support.Backend;

class BadInputH2Test extends BadInputContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
