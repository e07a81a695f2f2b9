package cem.neo4j;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Starts a real Neo4j DBMS on a data folder with the Bolt connector on 127.0.0.1,
 * sets the password of the `neo4j` user from the environment when the data folder is
 * new or the password changed (Neo4j refuses to "change" a password to itself, so
 * setting it at every start made a restart on existing data fail), prints a readiness
 * line and blocks until the process receives SIGTERM.
 *
 * The folder keeps `cem-password.sha256` (a random salt and the SHA-256 of salt +
 * password, never the password) to tell whether the password changed since it was set.
 *
 * Usage: java cem.neo4j.Launcher DATA_DIR PORT   (password from NEO4J_PASSWORD)
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher DATA_DIR PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = System.getenv().getOrDefault("NEO4J_PASSWORD", "");
        if (password.length() < 8) {
            System.err.println("NEO4J_PASSWORD must be set and at least 8 characters long");
            System.exit(2);
        }

        Map<String, String> config = new HashMap<>();
        config.put("server.bolt.enabled", "true");
        config.put("server.bolt.listen_address", "127.0.0.1:" + port);
        config.put("server.bolt.advertised_address", "127.0.0.1:" + port);
        config.put("server.bolt.tls_level", "DISABLED");
        config.put("server.http.enabled", "false");
        config.put("server.https.enabled", "false");
        config.put("dbms.security.auth_enabled", "true");
        config.put("server.memory.pagecache.size", System.getenv().getOrDefault("NEO4J_PAGECACHE", "128m"));
        config.put("db.tx_log.preallocate", "false");
        config.put("db.tx_log.rotation.retention_policy", "1 files");
        config.put("dbms.usage_report.enabled", "false");
        // Neo4j marks a transaction past its timeout when its monitor runs, every 2 s by default,
        // so a read with a 1 s budget could run for 3 s; check every 100 ms instead.
        config.put("db.transaction.monitor.check.interval", "100ms");
        config.put("server.directories.logs", home.resolve("logs").toString());

        Files.createDirectories(home);
        Path conf = home.resolve("neo4j.conf");
        StringBuilder text = new StringBuilder();
        config.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(conf, text.toString());

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(conf)
                .build();

        // The password of the built-in user is stored in the system database: set it only
        // when this folder has none of ours yet, or when NEO4J_PASSWORD changed.
        Path marker = home.resolve("cem-password.sha256");
        if (!passwordMatches(marker, password)) {
            try {
                dbms.database("system").executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                        Map.of("pw", password));
                System.out.println("cem-neo4j: password set");
            } catch (RuntimeException e) {
                // A folder from before the marker existed may already hold this password.
                if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                    dbms.shutdown();
                    throw e;
                }
            }
            writeMarker(marker, password);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("cem-neo4j: shutting down");
            dbms.shutdown();
            stopped.countDown();
        }, "cem-neo4j-shutdown"));

        System.out.println("cem-neo4j: ready bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    private static String digest(String salt, String password) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(salt.getBytes(StandardCharsets.UTF_8));
        sha.update(password.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Whether the marker records this password (false when there is no readable marker). */
    private static boolean passwordMatches(Path marker, String password) throws Exception {
        if (!Files.isRegularFile(marker)) {
            return false;
        }
        String[] parts = Files.readString(marker, StandardCharsets.UTF_8).trim().split(" ");
        return parts.length == 2 && MessageDigest.isEqual(
                parts[1].getBytes(StandardCharsets.UTF_8),
                digest(parts[0], password).getBytes(StandardCharsets.UTF_8));
    }

    private static void writeMarker(Path marker, String password) throws Exception {
        byte[] raw = new byte[16];
        new SecureRandom().nextBytes(raw);
        String salt = HexFormat.of().formatHex(raw);
        Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
        Files.writeString(tmp, salt + " " + digest(salt, password) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, marker, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
