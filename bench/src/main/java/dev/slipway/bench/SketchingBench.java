package dev.slipway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What sketching logged predictions (issue 7: drift statistics built as predictions are logged) costs serving:
 * {@code slipway serve} with a 20-feature logistic model logs every scored row to a {@code slipway server} on the same
 * machine, whose log-batch route also adds each row to the monitoring sketches; the same load runs with the
 * server's sketching turned off ({@code -Dslipway.monitoring.sketches=false}), alternating configurations, each
 * pair of servers started fresh and warmed up. Reported: the median {@code /invocations} throughput of each and their
 * ratio (target: sketching costs at most 5%).
 *
 * <pre>bench/run sketching [--seconds 10] [--rounds 3] [--warm-up 30]</pre>
 */
public final class SketchingBench {
    private static final int FEATURES = 20;

    private SketchingBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int rounds = 3;
        int warmUp = 30;
        for (int index = 0; index < args.length; index++) {
            switch (args[index]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++index]);
                case "--rounds" -> rounds = Integer.parseInt(args[++index]);
                case "--warm-up" -> warmUp = Integer.parseInt(args[++index]);
                default -> throw new IllegalArgumentException("unknown option " + args[index]);
            }
        }
        Path jar = Path.of(System.getProperty("slipway.jar")).toAbsolutePath();
        Path work = Path.of("bench/target/sketching").toAbsolutePath();
        Files.createDirectories(work);
        Path model = work.resolve("model-logistic");
        if (!Files.exists(model.resolve("MLmodel"))) {
            Path training = work.resolve("train.csv");
            ServingBench.writeTraining(training);
            ServingBench.run(jar, work, List.of("train", "--data", training.toString(), "--target", "label",
                    "--algorithm", "logistic", "--output", model.toString(), "--no-progress", "--tracking-uri",
                    "sqlite:///" + work.resolve("train.db")));
        }
        float[] row = new float[FEATURES];
        Random random = new Random(3);
        for (int feature = 0; feature < FEATURES; feature++) {
            row[feature] = Math.round(random.nextGaussian() * 1000) / 1000f;
        }
        byte[] body = ServingBench.invocationsBody(row);
        Path script = ServingBench.luaScript(work.resolve("invocations.lua"), body, "");
        List<Double> withSketches = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            without.add(measure(jar, work, model, script, body, false, warmUp, seconds));
            withSketches.add(measure(jar, work, model, script, body, true, warmUp, seconds));
        }
        double on = ServingBench.median(withSketches);
        double off = ServingBench.median(without);
        System.out.printf(Locale.ROOT, "/invocations with every row logged to a tracking server on the same machine: "
                        + "sketching on median %,.0f requests/s (rounds %s), off median %,.0f requests/s (rounds %s); "
                        + "cost of sketching %.1f%% (target <= 5%%)%n", on, ServingBench.format(withSketches), off,
                ServingBench.format(without), (1 - on / off) * 100);
    }

    private static double measure(Path jar, Path work, Path model, Path script, byte[] body, boolean sketching,
            int warmUp, int seconds) throws Exception {
        Path store = work.resolve("store-" + sketching);
        TrackingBench.deleteTree(store);
        Files.createDirectories(store);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SlipwayProcess tracking = SlipwayProcess.start(jar, "sqlite:///" + store.resolve("slipway.db"),
                store.resolve("artifacts"), "1g", List.of("-Dslipway.monitoring.sketches=" + sketching));
        Process serve = null;
        try {
            int port = TrackingBench.freePort();
            Path log = work.resolve("serve-" + sketching + ".log");
            serve = new ProcessBuilder(List.of(java, "-Dorg.slf4j.simpleLogger.log.dev.slipway.serving.access=warn",
                    "-jar", jar.toString(), "serve", "-m", model.toString(), "--name", "churn", "--host", "127.0.0.1",
                    "--port", String.valueOf(port), "--tracking-uri", tracking.baseUri()))
                    .directory(store.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ServingBench.awaitReady(port, serve, log);
            ServingBench.check(port, "/invocations", body);
            String url = "http://127.0.0.1:" + port + "/invocations";
            ServingBench.wrk(script, url, warmUp);
            double rate = ServingBench.wrk(script, url, seconds);
            System.out.printf(Locale.ROOT, "  sketching %s: %,.0f requests/s%n", sketching ? "on " : "off", rate);
            return rate;
        } finally {
            stop(serve);
            tracking.stop();
        }
    }

    private static void stop(Process process) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
