package dev.latchkey.risk;

import dev.latchkey.support.Backend;

class RiskBasedAuthPostgresTest extends RiskBasedAuthContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
