package dev.slipway.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The child process of {@link DurabilityTest}: a server over {@code <directory>/mlflow.db} that writes its port to
 * a file once it listens, then runs until it is killed.
 */
public final class DurabilityServerMain {
    private DurabilityServerMain() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        TestServer server = TestServer.start(directory);
        Path temporary = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(temporary, Integer.toString(server.server.port()));
        Files.move(temporary, portFile, StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
