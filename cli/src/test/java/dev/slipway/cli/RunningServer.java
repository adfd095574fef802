package dev.slipway.cli;

import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * {@code slipway server --port <free port> ...} running in this JVM, through the real command and composition root, in a
 * working folder; {@link #close()} fires the stop signal as SIGTERM would.
 */
public final class RunningServer implements AutoCloseable {
    private final ManualStopSignal stopSignal;
    private final ExecutorService executor;
    private final Future<Integer> exitCode;
    private final StringWriter out;
    private final StringWriter err;
    private final String uri;

    private RunningServer(ManualStopSignal stopSignal, ExecutorService executor, Future<Integer> exitCode,
            StringWriter out, StringWriter err, String uri) {
        this.stopSignal = stopSignal;
        this.executor = executor;
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
        this.uri = uri;
    }

    /** A server on a SQLite file and an artifacts folder inside {@code folder}, serving artifacts. */
    public static RunningServer onFolder(Path folder, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--backend-store-uri", "sqlite:///" + folder.toAbsolutePath().resolve("tracking.db"),
                "--artifacts-destination", folder.toAbsolutePath().resolve("artifacts").toString()));
        args.addAll(List.of(extraArgs));
        return start(folder, args.toArray(String[]::new));
    }

    /**
     * {@code slipway server --port <free port> <args>} with the folder as working directory; returns once
     * {@code /health} answers.
     */
    public static RunningServer start(Path workingDirectory, String... args) {
        return start(workingDirectory, Map.of(), args);
    }

    /** {@link #start(Path, String...)} with these environment variables (AWS_ACCESS_KEY_ID, ...). */
    public static RunningServer start(Path workingDirectory, Map<String, String> variables, String... args) {
        ManualStopSignal stopSignal = new ManualStopSignal();
        Environment environment = new Environment(variables, workingDirectory.toAbsolutePath(), Clock.systemUTC(),
                ZoneOffset.UTC, stopSignal);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(environment);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int port = freePort();
        List<String> all = new ArrayList<>(List.of("server", "--port", String.valueOf(port)));
        all.addAll(List.of(args));
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<Integer> exitCode = executor.submit(() -> commandLine.execute(all.toArray(String[]::new)));
        String uri = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(uri + "/health")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (exitCode.isDone()) {
                executor.shutdown();
                throw new IllegalStateException("slipway server exited early:\n" + out + err);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return new RunningServer(stopSignal, executor, exitCode, out, err, uri);
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleep(20);
        }
        stopSignal.fire();
        executor.shutdownNow();
        throw new IllegalStateException("slipway server did not start within 60 s:\n" + out + err);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String uri() {
        return uri;
    }

    public int port() {
        return Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
    }

    /** A client that fails fast (no retries), for tests. */
    public TrackingClient client() {
        return TrackingClient.create(uri, RetryPolicy.none());
    }

    public String output() {
        return out.toString() + err;
    }

    /** Stops the server as SIGTERM would and returns the command's exit code. */
    public int stop() {
        stopSignal.fire();
        try {
            return exitCode.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("slipway server did not stop:\n" + output(), e);
        } finally {
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        if (!exitCode.isDone()) {
            stop();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
