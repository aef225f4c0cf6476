package dev.latchkey.message;

import dev.latchkey.support.Backend;

class MessageSafetyPostgresTest extends MessageSafetyContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
