package cem.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Starts a real Neo4j DBMS on a data folder with the Bolt connector on 127.0.0.1,
 * sets the password of the `neo4j` user from the environment, prints a readiness
 * line and blocks until the process receives SIGTERM.
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
        config.put("server.directories.logs", home.resolve("logs").toString());

        Files.createDirectories(home);
        Path conf = home.resolve("neo4j.conf");
        StringBuilder text = new StringBuilder();
        config.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(conf, text.toString());

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(conf)
                .build();

        // Set the password of the built-in user; it is stored in the system database.
        dbms.database("system").executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                Map.of("pw", password));

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
}
