package dev.latchkey.message;

import dev.latchkey.support.Backend;

class MessageSafetyH2Test extends MessageSafetyContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
