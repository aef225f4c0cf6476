package dev.latchkey.server;

import dev.latchkey.crypto.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory (the H2 database and the generated secret key), readable by its owner only: created 0700, a
 * directory of ours that is more open is tightened, the secret key is born 0600 (never written first and restricted
 * after), and the H2 files are made 0600 once H2 has created them. On a file system without POSIX permissions nothing
 * is changed.
 */
final class DataDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    static final String SECRET_KEY_FILE = "secret.key";

    private DataDirectory() {}

    /** Creates the directory owner-only, or tightens an existing one that belongs to this user. */
    static void prepare(Path dir) {
        try {
            if (!posix(dir)) {
                Files.createDirectories(dir);
                return;
            }
            if (Files.notExists(dir)) {
                Path parent = dir.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
                    return;
                } catch (FileAlreadyExistsException e) {
                    // created meanwhile by another node: treat it as existing
                }
            }
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir);
            if (!now.equals(OWNER_DIRECTORY) && ours(dir)) {
                Files.setPosixFilePermissions(dir, OWNER_DIRECTORY);
                LOG.info("Data directory {} was {}: now readable by its owner only (rwx------)", dir.toAbsolutePath(),
                        PosixFilePermissions.toString(now));
            } else if (!now.equals(OWNER_DIRECTORY)) {
                LOG.warn("Data directory {} is {} and belongs to another user: others may read the database and the secret key",
                        dir.toAbsolutePath(), PosixFilePermissions.toString(now));
            }
        } catch (IOException e) {
            throw new StartupFailure("Cannot prepare the data directory " + dir.toAbsolutePath() + ": " + e
                    + ". Check --data-dir (LATCHKEY_DATA_DIR) and its permissions.", e);
        }
    }

    /** The secret key in {@code dir/secret.key}, created on a first start. */
    static String secretKey(Path dir) {
        prepare(dir);
        Path file = dir.resolve(SECRET_KEY_FILE);
        try {
            if (Files.exists(file)) {
                return readKey(file);
            }
            // Written in full to a private temporary file, then linked into place: the key file never exists partly
            // written or readable by others, and of two nodes creating it at once, one wins and the other reads it.
            Path temporary = Files.createTempFile(dir, ".secret", ".tmp", ownerFileAttributes(dir));
            try {
                Files.writeString(temporary, Secrets.newSecretKey() + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                        StandardOpenOption.SYNC);
                try {
                    Files.createLink(file, temporary);
                } catch (FileAlreadyExistsException e) {
                    // another node created it first: use theirs
                } catch (UnsupportedOperationException e) {
                    Files.move(temporary, file);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
            return readKey(file);
        } catch (IOException e) {
            throw new StartupFailure("Cannot read or create the secret key " + file.toAbsolutePath() + ": " + e
                    + ". Check --data-dir (LATCHKEY_DATA_DIR) and its permissions, or give --secret-key-file.", e);
        }
    }

    private static String readKey(Path file) throws IOException {
        String key = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (key.isEmpty()) {
            throw new StartupFailure("The secret key file " + file.toAbsolutePath() + " is empty. Restore it from a backup "
                    + "(the database was set up with its key), or, on a data directory with no database yet, delete it.");
        }
        return key;
    }

    /** Makes H2's files (database, trace, lock) owner-only once H2 has created them. */
    static void restrictDatabaseFiles(Path dir) {
        if (!posix(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("latchkey.") && Files.isRegularFile(f)).toList()) {
                if (!Files.getPosixFilePermissions(f).equals(OWNER_FILE) && ours(f)) {
                    Files.setPosixFilePermissions(f, OWNER_FILE);
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not make the H2 files in {} owner-only: {}", dir.toAbsolutePath(), e.toString());
        }
    }

    private static FileAttribute<?>[] ownerFileAttributes(Path dir) {
        return posix(dir) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)} : new FileAttribute<?>[0];
    }

    private static boolean posix(Path path) {
        Path existing = path.toAbsolutePath();
        while (existing != null && Files.notExists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null;
    }

    private static boolean ours(Path path) throws IOException {
        return Files.getOwner(path).getName().equals(System.getProperty("user.name"));
    }
}
