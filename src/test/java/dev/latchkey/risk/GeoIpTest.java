package dev.latchkey.risk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.TestServer;
import org.junit.jupiter.api.Test;

/** City and country from MaxMind's test City database (src/test/resources/geoip). */
class GeoIpTest {
    @Test
    void locatesTheTestAddresses() {
        try (GeoIp geo = GeoIp.open(TestServer.Options.geoipTestDb())) {
            assertThat(geo.locate("81.2.69.142")).contains(new GeoIp.Location("London", "GB", "United Kingdom"));
            assertThat(geo.locate("2.125.160.216")).contains(new GeoIp.Location("Boxford", "GB", "United Kingdom"));
            assertThat(geo.locate("89.160.20.112")).contains(new GeoIp.Location("Linköping", "SE", "Sweden"));
            assertThat(geo.locate("216.160.83.56")).contains(new GeoIp.Location("Milton", "US", "United States"));
            assertThat(geo.locate("127.0.0.1")).isEmpty();
            assertThat(geo.locate(null)).isEmpty();
        }
    }

    @Test
    void withoutADatabaseNothingIsLocated() {
        assertThat(GeoIp.NONE.locate("81.2.69.142")).isEmpty();
        assertThat(GeoIp.NONE.enabled()).isFalse();
    }
}
