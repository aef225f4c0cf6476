package dev.latchkey.login;

import dev.latchkey.support.Backend;

class BruteForceAndRaceH2Test extends BruteForceAndRaceContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
