package dev.latchkey.server;

import dev.latchkey.support.Backend;

class NodeStartPostgresTest extends NodeStartContract {
    @Override
    Backend backend() {
        return Backend.POSTGRES;
    }
}
