package dev.latchkey.risk;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * City and country of an IP address, from a MaxMind-format database (GeoIP2/GeoLite2 City, {@code --geoip-db}). Without
 * one, every lookup is empty and the City and Country signals never fire.
 */
public final class GeoIp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GeoIp.class);

    /** Where an address is: {@code city} may be null (the database knows only the country). */
    public record Location(String city, String countryCode, String countryName) {}

    public static final GeoIp NONE = new GeoIp(null);

    private final Reader reader;

    private GeoIp(Reader reader) {
        this.reader = reader;
    }

    /** Opens the database (memory-mapped); throws with the path when it cannot be read. */
    public static GeoIp open(Path file) {
        try {
            Reader r = new Reader(file.toFile(), new CHMCache());
            LOG.info("GeoIP database {} ({}, built {})", file, r.getMetadata().databaseType(), r.getMetadata().buildTime());
            return new GeoIp(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the GeoIP database " + file + ": " + e.getMessage(), e);
        }
    }

    public boolean enabled() {
        return reader != null;
    }

    /** The location of an IP literal; empty without a database, for an unknown address or one the database lacks. */
    @SuppressWarnings("unchecked")
    public Optional<Location> locate(String ip) {
        if (reader == null || ip == null) {
            return Optional.empty();
        }
        try {
            Map<String, Object> rec = reader.get(InetAddress.getByName(ip), Map.class);
            if (rec == null) {
                return Optional.empty();
            }
            Map<String, Object> country = (Map<String, Object>) rec.get("country");
            if (country == null || country.get("iso_code") == null) {
                return Optional.empty();
            }
            Map<String, Object> city = (Map<String, Object>) rec.get("city");
            return Optional.of(new Location(englishName(city), (String) country.get("iso_code"), englishName(country)));
        } catch (IOException | RuntimeException e) {
            LOG.debug("GeoIP lookup of {} failed: {}", ip, e.toString());
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked")
    private static String englishName(Map<String, Object> place) {
        if (place == null || !(place.get("names") instanceof Map<?, ?> names)) {
            return null;
        }
        Object en = ((Map<String, Object>) names).get("en");
        return en instanceof String s ? s : null;
    }

    @Override
    public void close() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // closing a memory map
            }
        }
    }
}
