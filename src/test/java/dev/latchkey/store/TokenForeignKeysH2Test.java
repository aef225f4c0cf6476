package dev.latchkey.store;

import dev.latchkey.support.Backend;

class TokenForeignKeysH2Test extends TokenForeignKeysContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
