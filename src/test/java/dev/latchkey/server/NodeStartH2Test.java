package dev.latchkey.server;

import dev.latchkey.support.Backend;

class NodeStartH2Test extends NodeStartContract {
    @Override
    Backend backend() {
        return Backend.H2;
    }
}
