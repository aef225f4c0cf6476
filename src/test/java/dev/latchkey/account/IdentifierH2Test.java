package dev.latchkey.account;

import dev.latchkey.support.Backend;

class IdentifierH2Test extends IdentifierContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
