package dev.latchkey.account;

import dev.latchkey.support.Backend;

class BreachedPasswordH2Test extends BreachedPasswordContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
