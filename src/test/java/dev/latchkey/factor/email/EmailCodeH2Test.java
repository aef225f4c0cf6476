package dev.latchkey.factor.email;

import dev.latchkey.support.Backend;

class EmailCodeH2Test extends EmailCodeContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
