package dev.latchkey.cli;

import dev.latchkey.support.Backend;

class UserCommandH2Test extends UserCommandContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
