package dev.slipway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code slipway server} in its own JVM on a free loopback port, as a user starts it. */
final class SlipwayProcess implements AutoCloseable {
    private final Process process;
    private final String baseUri;
    private final Path log;
    private final ThreadLocal<RawHttpClient> clients;

    private SlipwayProcess(Process process, int port, Path log) {
        this.process = process;
        this.baseUri = "http://127.0.0.1:" + port;
        this.log = log;
        this.clients = ThreadLocal.withInitial(() -> new RawHttpClient("127.0.0.1", port));
    }

    /** POSTs JSON over this thread's keep-alive connection and returns the body of a 200 answer. */
    byte[] post(String path, byte[] body) throws IOException {
        java.io.ByteArrayOutputStream response = new java.io.ByteArrayOutputStream();
        int status = clients.get().send("POST", path, body, response);
        if (status != 200) {
            throw new IllegalStateException(path + " answered " + status + ": " + response);
        }
        return response.toByteArray();
    }

    static SlipwayProcess start(Path jar, String backendUri, Path artifacts, String heap) throws Exception {
        return start(jar, backendUri, artifacts, heap, List.of());
    }

    /** As {@link #start(Path, String, Path, String)}, with more JVM options ({@code -Dname=value}). */
    static SlipwayProcess start(Path jar, String backendUri, Path artifacts, String heap, List<String> jvmOptions)
            throws Exception {
        return start(jar, backendUri, artifacts, heap, jvmOptions, List.of());
    }

    /** As {@link #start(Path, String, Path, String, List)}, with more {@code slipway server} options. */
    static SlipwayProcess start(Path jar, String backendUri, Path artifacts, String heap, List<String> jvmOptions,
            List<String> serverOptions) throws Exception {
        return start(jar, backendUri, artifacts, heap, jvmOptions, serverOptions, java.util.Map.of());
    }

    /** As {@link #start(Path, String, Path, String, List, List)}, with more environment variables. */
    static SlipwayProcess start(Path jar, String backendUri, Path artifacts, String heap, List<String> jvmOptions,
            List<String> serverOptions, java.util.Map<String, String> environment) throws Exception {
        int port = TrackingBench.freePort();
        Files.createDirectories(artifacts);
        Path log = artifacts.resolveSibling(artifacts.getFileName() + "-server-" + port + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx" + heap));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "server", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--backend-store-uri", backendUri, "--artifacts-destination", artifacts.toString()));
        command.addAll(serverOptions);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        SlipwayProcess server = new SlipwayProcess(process, port, log);
        server.awaitHealthy();
        return server;
    }

    String baseUri() {
        return baseUri;
    }

    private void awaitHealthy() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(baseUri + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("server did not become healthy: " + Files.readString(log));
    }

    void stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
