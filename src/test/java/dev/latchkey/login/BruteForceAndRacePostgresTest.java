package dev.latchkey.login;

import dev.latchkey.support.Backend;

class BruteForceAndRacePostgresTest extends BruteForceAndRaceContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
