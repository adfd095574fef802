package dev.slipway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Data versioning against the tools a user would otherwise reach for, each measured in the same run:
 * <ol>
 *   <li>{@code slipway data add} of 20 files of 100 MB in a fresh {@code data init --no-scm} repository (fresh
 *       cache each round) against {@code md5sum} of the same files (one core);</li>
 *   <li>{@code data add} of 100,000 files of 4 KB in one folder tree (time, peak RSS), then {@code data status} of
 *       the unchanged tree with the state cache warm;</li>
 *   <li>{@code data push} then {@code data pull} of 10 files of 100 MB to a folder remote against {@code cp -r} of
 *       the same folder, once as the commands' own time (their writes may still be in the page cache), once until
 *       the data is on disk (each followed by {@code sync}), and once more, {@code cp -r} and {@code pull} only, each
 *       reading from disk: the page cache dropped before each (as root; skipped otherwise), as when the remote is a
 *       mounted folder whose bytes this machine has not read lately.</li>
 * </ol>
 * Every command runs as {@code ./slipway} (the launcher users run: {@code java} with the class-data-sharing archive
 * it keeps beside the jar, {@code -Xmx} from {@code --heap}) under {@code /usr/bin/time -v} (wall, CPU and peak RSS of the
 * whole process, JVM start included; the JVM start alone, {@code --version}, is measured and printed beside). The
 * files are written once under {@code bench/target/data} from a fast PRNG and kept between runs; the page cache
 * holds them (both sides read warm files); each round starts after {@code sync}, but the timed commands' own writes
 * may still sit in the page cache when they exit (so does {@code cp -r}'s). Figures are medians over rounds; MB is
 * 10^6 bytes.
 *
 * <p>Memory the writes land in: on a virtual machine whose balloon device reports free pages to its host (Linux's
 * free page reporting, two seconds after they were freed), the first write to a page the host took back costs a
 * fault in the host, which doubled the system time of {@code add} here. So {@code add} is measured twice per round:
 * as it comes, right after {@code md5sum} (the previous round's cache was freed seconds before and has gone back to
 * the host), and with its memory backed: a helper process ({@code dd}) touches {@code --prefault} GB and exits just
 * before it, as on a machine without such a device. The transfer commands and {@code cp -r} each run right after
 * the same helper.
 *
 * <pre>bench/run data [--scale 1.0] [--rounds 3] [--only add,files,transfer] [--heap 4g] [--prefault 4] [--json]</pre>
 */
public final class DataBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MB = 1_000_000;

    private final Path jar;
    private final Path work;
    private final String heap;
    /** How many GB {@link #backMemory} touches; 0 for none. */
    private final int prefaultGb;

    private DataBench(Path jar, Path work, String heap, int prefaultGb) {
        this.jar = jar;
        this.work = work;
        this.heap = heap;
        this.prefaultGb = prefaultGb;
    }

    public static void main(String[] args) throws Exception {
        double scale = 1.0;
        int rounds = 3;
        List<String> only = List.of("add", "files", "transfer");
        String heap = "4g";
        int prefault = 4;
        boolean json = false;
        for (int index = 0; index < args.length; index++) {
            switch (args[index]) {
                case "--scale" -> scale = Double.parseDouble(args[++index]);
                case "--rounds" -> rounds = Integer.parseInt(args[++index]);
                case "--only" -> only = List.of(args[++index].split(","));
                case "--heap" -> heap = args[++index];
                case "--prefault" -> prefault = Integer.parseInt(args[++index]);
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown option " + args[index]);
            }
        }
        if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
            throw new IllegalStateException("/usr/bin/time (GNU time, apt-get install time) is needed for CPU and RSS");
        }
        DataBench bench = new DataBench(Path.of(System.getProperty("slipway.jar")).toAbsolutePath(),
                Path.of("bench/target/data").toAbsolutePath(), heap, prefault);
        Files.createDirectories(bench.work);
        Map<String, Object> results = new LinkedHashMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        results.put("cores", cores);
        List<Double> starts = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            starts.add(bench.slipway(bench.work, "--version").wall());
        }
        double start = median(starts);
        System.out.printf(Locale.ROOT, "JVM start (./slipway --version): median %.2f s %s; %d cores%n",
                start, seconds(starts), cores);
        results.put("jvm_start_seconds", round2(start));
        if (only.contains("add")) {
            bench.addVersusMd5sum(Math.max(1, Math.round(100 * MB * scale)), rounds, cores, results);
        }
        if (only.contains("files")) {
            bench.manySmallFiles((int) Math.max(1, Math.round(100_000 * scale)), rounds, start, results);
        }
        if (only.contains("transfer")) {
            bench.pushPullVersusCp(Math.max(1, Math.round(100 * MB * scale)), rounds, results);
        }
        if (json) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        }
    }

    /** 1. {@code data add} of 20 large files against {@code md5sum} of the same files. */
    private void addVersusMd5sum(long fileSize, int rounds, int cores, Map<String, Object> results) throws Exception {
        Path repo = work.resolve("add-" + fileSize);
        Path files = repo.resolve("files");
        writeFiles(files, 20, fileSize, 1);
        long bytes = 20 * fileSize;
        List<String> names = new ArrayList<>();
        for (int file = 0; file < 20; file++) {
            names.add("files/" + fileName(file));
        }
        List<String> md5sum = new ArrayList<>(List.of("md5sum"));
        md5sum.addAll(names);
        run(repo, md5sum); // warms the page cache
        List<Double> md5Rates = new ArrayList<>();
        List<Double> addRates = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> backedRates = new ArrayList<>();
        List<Double> backedCpu = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            freshRepository(repo, "files");
            // as the transfer rounds: no round pays for writing back the files or the previous round's cache
            run(repo, List.of("sync"));
            Measured md5 = run(repo, md5sum);
            Measured add = slipway(repo, "data", "add", "files", "--no-progress");
            md5Rates.add(bytes / md5.wall() / MB);
            addRates.add(bytes / add.wall() / MB);
            cpu.add(add.cpuSeconds() / add.wall());
            if (prefaultGb > 0) {
                freshRepository(repo, "files");
                run(repo, List.of("sync"));
                backMemory(repo);
                Measured backed = slipway(repo, "data", "add", "files", "--no-progress");
                backedRates.add(bytes / backed.wall() / MB);
                backedCpu.add(backed.cpuSeconds() / backed.wall());
            }
        }
        double md5 = median(md5Rates);
        double add = median(addRates);
        double used = median(cpu);
        if (prefaultGb > 0) {
            double backed = median(backedRates);
            double backedUsed = median(backedCpu);
            System.out.printf(Locale.ROOT, "add with its memory backed (%d GB touched just before): median %,.0f MB/s %s, "
                            + "CPU %.2f cores busy; ratio per core %.2f, per busy core %.2f; target >= 0.9 per core%n",
                    prefaultGb, backed, rates(backedRates), backedUsed, backed / (md5 * cores),
                    backed / (md5 * backedUsed));
            results.put("add.backed_mb_per_second", Math.round(backed));
            results.put("add.backed_cpu_cores_busy", round2(backedUsed));
            results.put("add.backed_ratio_per_core", round2(backed / (md5 * cores)));
        }
        System.out.printf(Locale.ROOT, "add 20 x %,d bytes (%,d MB), right after md5sum: slipway data add median %,.0f MB/s %s, CPU %.2f "
                        + "cores busy of %d; md5sum median %,.0f MB/s %s (one core); ratio per core (add / (md5sum x %d "
                        + "cores)) %.2f; per busy core (add / (md5sum x %.2f)) %.2f; plain ratio %.2f%n",
                fileSize, bytes / MB, add, rates(addRates), used, cores, md5, rates(md5Rates), cores,
                add / (md5 * cores), used, add / (md5 * used), add / md5);
        results.put("add.mb_per_second", Math.round(add));
        results.put("add.md5sum_mb_per_second", Math.round(md5));
        results.put("add.cpu_cores_busy", round2(used));
        results.put("add.ratio_per_core", round2(add / (md5 * cores)));
        results.put("add.ratio_per_busy_core", round2(add / (md5 * used)));
    }

    /** 2. {@code data add} of many 4 KB files in one tree, then {@code data status} of the unchanged tree. */
    private void manySmallFiles(int count, int rounds, double start, Map<String, Object> results) throws Exception {
        Path repo = work.resolve("tree-" + count);
        Path tree = repo.resolve("tree");
        writeTree(tree, count);
        List<Double> addTimes = new ArrayList<>();
        List<Double> addRss = new ArrayList<>();
        List<Double> statusTimes = new ArrayList<>();
        List<Double> statusRss = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            freshRepository(repo, "tree");
            Measured add = slipway(repo, "data", "add", "tree", "--no-progress");
            Measured status = slipway(repo, "data", "status", "--json");
            if (!status.output().replaceAll("\\s", "").equals("{}")) {
                throw new IllegalStateException("status of the unchanged tree is not empty: " + status.output());
            }
            addTimes.add(add.wall());
            addRss.add(add.peakRssMb());
            statusTimes.add(status.wall());
            statusRss.add(status.peakRssMb());
        }
        double add = median(addTimes);
        double status = median(statusTimes);
        System.out.printf(Locale.ROOT, "add %,d files of 4 KB (%,d folders): median %.2f s %s (%,.0f files/s), peak RSS "
                        + "median %,.0f MB %s (-Xmx%s)%n", count, folders(count), add, seconds(addTimes), count / add,
                median(addRss), megabytes(addRss), heap);
        System.out.printf(Locale.ROOT, "status of the unchanged tree (state cache warm): median %.2f s %s whole "
                        + "process, about %.2f s without the JVM start; peak RSS median %,.0f MB; target <= 1 s%n",
                status, seconds(statusTimes), status - start, median(statusRss));
        results.put("files.count", count);
        results.put("files.add_seconds", round2(add));
        results.put("files.add_peak_rss_mb", Math.round(median(addRss)));
        results.put("files.status_seconds", round2(status));
        results.put("files.status_seconds_without_jvm_start", round2(status - start));
        results.put("files.status_peak_rss_mb", Math.round(median(statusRss)));
    }

    /** 3. {@code data push} then {@code data pull} to a folder remote against {@code cp -r} of the same folder. */
    private void pushPullVersusCp(long fileSize, int rounds, Map<String, Object> results) throws Exception {
        Path repo = work.resolve("transfer-" + fileSize);
        Path files = repo.resolve("files");
        Path remote = work.resolve("transfer-remote");
        Path copy = work.resolve("transfer-cp");
        Path aside = repo.resolve("files.aside");
        if (Files.isDirectory(aside) && !Files.exists(files)) {
            Files.move(aside, files); // an earlier run stopped during pull
        }
        writeFiles(files, 10, fileSize, 2);
        long bytes = 10 * fileSize;
        List<Double> cpRates = new ArrayList<>();
        List<Double> pushRates = new ArrayList<>();
        List<Double> pullRates = new ArrayList<>();
        List<Double> cpSyncRates = new ArrayList<>();
        List<Double> pushSyncRates = new ArrayList<>();
        List<Double> pullSyncRates = new ArrayList<>();
        List<Double> cpColdRates = new ArrayList<>();
        List<Double> pullColdRates = new ArrayList<>();
        Path dropCaches = Path.of("/proc/sys/vm/drop_caches");
        boolean canDrop = Files.isWritable(dropCaches);
        for (int round = 0; round < rounds; round++) {
            freshRepository(repo, "files");
            delete(remote);
            delete(copy);
            slipway(repo, "data", "add", "files", "--no-progress");
            slipway(repo, "data", "remote", "add", "-d", "bench", remote.toString());
            run(repo, List.of("sync"));
            backMemory(repo);
            Measured cp = run(repo, List.of("cp", "-r", "files", copy.toString()));
            Measured cpSync = run(repo, List.of("sync"));
            backMemory(repo);
            Measured push = slipway(repo, "data", "push", "--no-progress");
            Measured pushSync = run(repo, List.of("sync"));
            Files.move(files, aside);
            delete(repo.resolve(".dvc/cache"));
            run(repo, List.of("sync"));
            backMemory(repo);
            Measured pull = slipway(repo, "data", "pull", "--no-progress");
            Measured pullSync = run(repo, List.of("sync"));
            if (!Files.isRegularFile(files.resolve(fileName(9))) || Files.size(files.resolve(fileName(9))) != fileSize) {
                throw new IllegalStateException("pull did not restore " + files.resolve(fileName(9)));
            }
            delete(files);
            Files.move(aside, files);
            delete(copy);
            if (canDrop) {
                dropPageCache(repo, dropCaches);
                backMemory(repo);
                Measured cpCold = run(repo, List.of("cp", "-r", "files", copy.toString()));
                delete(copy);
                Files.move(files, aside);
                delete(repo.resolve(".dvc/cache"));
                dropPageCache(repo, dropCaches);
                backMemory(repo);
                Measured pullCold = slipway(repo, "data", "pull", "--no-progress");
                if (Files.mismatch(files.resolve(fileName(9)), aside.resolve(fileName(9))) != -1) {
                    throw new IllegalStateException("pull did not restore " + files.resolve(fileName(9)));
                }
                delete(files);
                Files.move(aside, files);
                cpColdRates.add(bytes / cpCold.wall() / MB);
                pullColdRates.add(bytes / pullCold.wall() / MB);
            }
            cpRates.add(bytes / cp.wall() / MB);
            pushRates.add(bytes / push.wall() / MB);
            pullRates.add(bytes / pull.wall() / MB);
            cpSyncRates.add(bytes / (cp.wall() + cpSync.wall()) / MB);
            pushSyncRates.add(bytes / (push.wall() + pushSync.wall()) / MB);
            pullSyncRates.add(bytes / (pull.wall() + pullSync.wall()) / MB);
        }
        double cp = median(cpRates);
        double push = median(pushRates);
        double pull = median(pullRates);
        System.out.printf(Locale.ROOT, "push/pull 10 x %,d bytes (%,d MB) to a folder remote, memory backed: push median %,.0f MB/s %s, "
                        + "ratio %.2f; pull (fetch + checkout, empty cache and workspace) median %,.0f MB/s %s, ratio "
                        + "%.2f; cp -r median %,.0f MB/s %s; target >= 0.5%n", fileSize, bytes / MB, push,
                rates(pushRates), push / cp, pull, rates(pullRates), pull / cp, cp, rates(cpRates));
        double cpSync = median(cpSyncRates);
        double pushSync = median(pushSyncRates);
        double pullSync = median(pullSyncRates);
        System.out.printf(Locale.ROOT, "the same until the data is on disk (each command followed by sync): push median "
                        + "%,.0f MB/s %s, ratio %.2f; pull median %,.0f MB/s %s, ratio %.2f; cp -r + sync median %,.0f MB/s "
                        + "%s%n", pushSync, rates(pushSyncRates), pushSync / cpSync, pullSync, rates(pullSyncRates),
                pullSync / cpSync, cpSync, rates(cpSyncRates));
        if (canDrop) {
            double cpCold = median(cpColdRates);
            double pullCold = median(pullColdRates);
            System.out.printf(Locale.ROOT, "the same reading from disk (page cache dropped before each command): pull "
                    + "median %,.0f MB/s %s, ratio %.2f; cp -r median %,.0f MB/s %s; target >= 0.5%n", pullCold,
                    rates(pullColdRates), pullCold / cpCold, cpCold, rates(cpColdRates));
            results.put("transfer.cold_pull_mb_per_second", Math.round(pullCold));
            results.put("transfer.cold_cp_mb_per_second", Math.round(cpCold));
            results.put("transfer.cold_pull_ratio", round2(pullCold / cpCold));
        } else {
            System.out.println("the same reading from disk: skipped (dropping the page cache needs root)");
        }
        results.put("transfer.durable_push_mb_per_second", Math.round(pushSync));
        results.put("transfer.durable_pull_mb_per_second", Math.round(pullSync));
        results.put("transfer.durable_cp_mb_per_second", Math.round(cpSync));
        results.put("transfer.durable_push_ratio", round2(pushSync / cpSync));
        results.put("transfer.durable_pull_ratio", round2(pullSync / cpSync));
        results.put("transfer.push_mb_per_second", Math.round(push));
        results.put("transfer.pull_mb_per_second", Math.round(pull));
        results.put("transfer.cp_mb_per_second", Math.round(cp));
        results.put("transfer.push_ratio", round2(push / cp));
        results.put("transfer.pull_ratio", round2(pull / cp));
    }

    /**
     * Removes what an earlier round left (.dvc with its cache and state, .dvc files, ignores), inits, and runs
     * {@code sync} so that no round pays for writing back the previous round's files.
     */
    private void freshRepository(Path repo, String target) throws Exception {
        delete(repo.resolve(".dvc"));
        Files.deleteIfExists(repo.resolve(target + ".dvc"));
        Files.deleteIfExists(repo.resolve(".gitignore"));
        Files.deleteIfExists(repo.resolve(".dvcignore"));
        delete(repo.resolve(".slipway"));
        slipway(repo, "data", "init", "--no-scm");
        run(repo, List.of("sync"));
    }

    /**
     * Touches {@link #prefaultGb} GB in a helper process that then exits, so that the free memory the next command
     * writes into is backed by the host (see the class comment); nothing when it is 0.
     */
    private void backMemory(Path directory) throws Exception {
        if (prefaultGb > 0) {
            run(directory, List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=" + prefaultGb * 1024 + "M", "count=1",
                    "iflag=fullblock", "status=none"));
        }
    }

    /** Writes back what is dirty, then drops the page cache, so that the next command reads from disk. */
    private void dropPageCache(Path directory, Path dropCaches) throws Exception {
        run(directory, List.of("sync"));
        Files.writeString(dropCaches, "3\n");
    }

    private Measured slipway(Path directory, String... arguments) throws Exception {
        // through the ./slipway launcher, as users run it (it adds the class-data-sharing archive), with this heap
        Path launcher = jar.toAbsolutePath().getParent().getParent().getParent().resolve("slipway");
        List<String> command = new ArrayList<>(List.of("env", "SLIPWAY_JAVA_OPTS=-Xmx" + heap, "SLIPWAY_NO_BUILD=1",
                launcher.toString()));
        command.addAll(List.of(arguments));
        return run(directory, command);
    }

    /** Runs the command under GNU time; the clock is this process's, around the whole child. */
    private Measured run(Path directory, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v"));
        command.addAll(arguments);
        Path log = work.resolve("command.log");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectError(log.toFile()).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        double wall = (System.nanoTime() - started) / 1e9;
        String report = Files.readString(log);
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", arguments.subList(Math.min(3, arguments.size() - 1),
                    arguments.size())) + " failed (" + exit + "): " + report + output);
        }
        double cpu = field(report, "User time (seconds)") + field(report, "System time (seconds)");
        return new Measured(wall, cpu, field(report, "Maximum resident set size (kbytes)") / 1024, output);
    }

    private static double field(String report, String name) {
        for (String line : report.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith(name + ":")) {
                return Double.parseDouble(trimmed.substring(name.length() + 1).trim());
            }
        }
        throw new IllegalStateException("no '" + name + "' in the report of /usr/bin/time: " + report);
    }

    private record Measured(double wall, double cpuSeconds, double peakRssMb, String output) {
    }

    /** Files of pseudo-random bytes (xorshift64*), written once; kept when they already have the size. */
    private static void writeFiles(Path folder, int count, long size, long seed) throws IOException {
        Files.createDirectories(folder);
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long state = seed * 0x9E3779B97F4A7C15L | 1;
        for (int file = 0; file < count; file++) {
            Path path = folder.resolve(fileName(file));
            if (Files.isRegularFile(path) && Files.size(path) == size) {
                continue;
            }
            System.out.printf("writing %s (%,d bytes)%n", path, size);
            try (OutputStream out = Files.newOutputStream(path)) {
                for (long written = 0; written < size; ) {
                    buffer.clear();
                    while (buffer.remaining() >= 8) {
                        state ^= state >>> 12;
                        state ^= state << 25;
                        state ^= state >>> 27;
                        buffer.putLong(state * 0x2545F4914F6CDD1DL);
                    }
                    int length = (int) Math.min(buffer.position(), size - written);
                    out.write(buffer.array(), 0, length);
                    written += length;
                }
            }
        }
    }

    /** {@code count} files of 4 KB, 1,000 per folder; a marker file records that the tree is complete. */
    private static void writeTree(Path tree, int count) throws IOException {
        Path done = tree.resolveSibling("tree.complete");
        if (Files.exists(done) && Files.isDirectory(tree)) {
            return;
        }
        System.out.printf("writing %,d files of 4 KB under %s%n", count, tree);
        delete(tree);
        byte[] content = new byte[4096];
        long state = 0x9E3779B97F4A7C15L;
        for (int file = 0; file < count; file++) {
            Path folder = tree.resolve(String.format(Locale.ROOT, "d%03d", file / 1000));
            if (file % 1000 == 0) {
                Files.createDirectories(folder);
            }
            ByteBuffer buffer = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
            while (buffer.remaining() >= 8) {
                state ^= state >>> 12;
                state ^= state << 25;
                state ^= state >>> 27;
                buffer.putLong(state * 0x2545F4914F6CDD1DL);
            }
            Files.write(folder.resolve(String.format(Locale.ROOT, "f%06d.bin", file)), content);
        }
        Files.writeString(done, count + "\n");
    }

    private static int folders(int count) {
        return (count + 999) / 1000;
    }

    private static String fileName(int file) {
        return String.format(Locale.ROOT, "part-%02d.bin", file);
    }

    private static void delete(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static String rates(List<Double> values) {
        return values.stream().map(value -> String.format(Locale.ROOT, "%,.0f", value)).toList().toString();
    }

    private static String megabytes(List<Double> values) {
        return rates(values);
    }

    private static String seconds(List<Double> values) {
        return values.stream().map(value -> String.format(Locale.ROOT, "%.2f", value)).toList().toString();
    }
}
