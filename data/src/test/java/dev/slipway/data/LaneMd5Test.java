package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileHasher#hashAll} on the native sixteen-lane kernel and without it, against {@link MessageDigest}. */
class LaneMd5Test {
    private static final int CHUNK = FileHasher.CHUNK_SIZE;
    /** Every length where MD5's padding changes shape, around the chunk the lanes read, and several chunks long. */
    private static final int[] SIZES = {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, CHUNK - 9, CHUNK - 8,
        CHUNK - 1, CHUNK, CHUNK + 1, CHUNK + 56, 2 * CHUNK, 3 * CHUNK + 4_321, 5 * CHUNK + 63};

    @TempDir
    Path dir;

    @Test
    void theKernelIsBuiltAndRunsWhereThisPlatformHasOne() throws IOException {
        boolean built = !LaneMd5.libraryResource().isEmpty()
                && LaneMd5.class.getResource(LaneMd5.libraryResource()) != null;
        boolean avx2 = Files.isReadable(Path.of("/proc/cpuinfo"))
                && Files.readString(Path.of("/proc/cpuinfo")).matches("(?s).*\\bavx2\\b.*");

        assertThat(LaneMd5.available()).as("built %s, AVX2 %s", built, avx2)
                .isEqualTo(built && avx2 && !"false".equals(System.getProperty(LaneMd5.PROPERTY)));
    }

    @Test
    void theWidestKernelTheCpuRunsIsTheOneUsed() throws IOException {
        assumeTrue(LaneMd5.available(), "the native kernel is not built or does not run here");
        String cpu = Files.readString(Path.of("/proc/cpuinfo"));
        boolean avx512 = cpu.matches("(?s).*\\bavx512f\\b.*") && cpu.matches("(?s).*\\bavx512vl\\b.*");

        assertThat(LaneMd5.kernel()).isEqualTo(avx512 && !"avx2".equals(System.getProperty(LaneMd5.PROPERTY))
                ? LaneMd5.AVX512 : LaneMd5.AVX2);
        assertThatThrownBy(() -> LaneMd5.hash(List.of(), new LongAdder(), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kernel 3");
    }

    @Test
    void bothKernelsGiveTheDigestsOfMessageDigest() throws Exception {
        assumeTrue(LaneMd5.available(), "the native kernel is not built or does not run here");
        List<Path> files = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        Random random = new Random(7);
        for (int index = 0; index < SIZES.length; index++) {
            byte[] bytes = new byte[SIZES[SIZES.length - 1 - index]];
            random.nextBytes(bytes);
            files.add(Files.write(dir.resolve("kernel-" + index + ".bin"), bytes));
            expected.add(md5(bytes));
        }
        List<Integer> kernels = LaneMd5.kernel() == LaneMd5.AVX512
                ? List.of(LaneMd5.AVX2, LaneMd5.AVX512) : List.of(LaneMd5.AVX2);

        for (int kernel : kernels) {
            LongAdder read = new LongAdder();
            assertThat(LaneMd5.hash(files, read, kernel)).as("kernel %d", kernel).containsExactlyElementsOf(expected);
            assertThat(read.sum()).isEqualTo(java.util.Arrays.stream(SIZES).asLongStream().sum());
            assertThat(LaneMd5.hash(files.subList(0, 2), new LongAdder(), kernel)).as("two lanes, kernel %d", kernel)
                    .containsExactlyElementsOf(expected.subList(0, 2));
        }
    }

    /**
     * The sixteen lanes are two groups of eight, run apart or (with AVX-512) together: lists whose files leave only the
     * second group busy after the first round, one lane of it alone (the scalar path at lane 9), nine lanes across
     * both groups, and both groups full with files of every length.
     */
    @Test
    void eachGroupOfLanesAloneOrTogetherGivesTheDigestsOfMessageDigest() throws Exception {
        assumeTrue(LaneMd5.available(), "the native kernel is not built or does not run here");
        Random random = new Random(11);
        byte[][] contents = new byte[24][];
        List<Path> files = new ArrayList<>();
        for (int index = 0; index < contents.length; index++) {
            // lanes 0-7 and 10-15 of the first 16 end within their first chunk, 8 and 9 run for several
            int size = index == 8 || index == 9 ? 2 * CHUNK + 77 * index : index % 3 == 0 ? 4 * CHUNK + index
                    : 100 * index + 1;
            contents[index] = new byte[size];
            random.nextBytes(contents[index]);
            files.add(Files.write(dir.resolve("group-" + index + ".bin"), contents[index]));
        }
        int[][] lists = {
            {1, 2, 4, 5, 7, 10, 11, 13, 3, 6, 12, 15, 9, 16, 18, 0}, // second group busy alone after the first round
            {1, 2, 4, 5, 7, 10, 11, 13, 14, 9}, // lane 9 alone after the first round
            {0, 3, 6, 8, 9, 12, 15, 18, 21}, // nine lanes, all running several chunks
            {23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
        };
        List<Integer> kernels = LaneMd5.kernel() == LaneMd5.AVX512
                ? List.of(LaneMd5.AVX2, LaneMd5.AVX512) : List.of(LaneMd5.AVX2);

        for (int kernel : kernels) {
            for (int[] list : lists) {
                List<Path> chosen = new ArrayList<>();
                List<String> expected = new ArrayList<>();
                for (int index : list) {
                    chosen.add(files.get(index));
                    expected.add(md5(contents[index]));
                }
                assertThat(LaneMd5.hash(chosen, new LongAdder(), kernel))
                        .as("kernel %d, files %s", kernel, java.util.Arrays.toString(list))
                        .containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void eachFileGetsItsOwnDigestInOrderWithAndWithoutTheKernel() throws IOException {
        List<Path> files = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        long total = 0;
        Random random = new Random(42);
        for (int index = 0; index < SIZES.length; index++) {
            byte[] bytes = new byte[SIZES[index]];
            random.nextBytes(bytes);
            // shorter and longer files interleaved, so that lanes finish at different calls and take new files
            Path file = Files.write(dir.resolve("file-" + index + ".bin"), bytes);
            files.add(index % 2 == 0 ? files.size() : 0, file);
            expected.add(index % 2 == 0 ? expected.size() : 0, md5(bytes));
            total += bytes.length;
        }

        FileHasher java = new FileHasher();
        assertThat(java.hashAll(files, false)).containsExactlyElementsOf(expected);
        assertThat(java.bytesRead()).isEqualTo(total);
        if (LaneMd5.available()) {
            FileHasher lanes = new FileHasher();
            assertThat(lanes.hashAll(files, true)).containsExactlyElementsOf(expected);
            assertThat(lanes.bytesRead()).isEqualTo(total);
            assertThat(lanes.hashAll(files.subList(0, 3), true)).as("fewer files than lanes")
                    .containsExactlyElementsOf(expected.subList(0, 3));
        }
        assertThat(new FileHasher().hashAll(files)).containsExactlyElementsOf(expected);
    }

    @Test
    void filesCopiedByManyThreadsAtOnceShareTheWorkersLanes() throws Exception {
        // sizes on both sides of the hand-over threshold, and one across a mapping window of 64 chunks
        List<Integer> sizes = new ArrayList<>();
        for (int size : SIZES) {
            sizes.add(size);
        }
        sizes.add(64 * CHUNK + CHUNK + 77);
        sizes.add((int) FileHasher.LANE_THRESHOLD);
        Random random = new Random(7);
        List<Path> sources = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int index = 0; index < sizes.size(); index++) {
            byte[] bytes = new byte[sizes.get(index)];
            random.nextBytes(bytes);
            sources.add(Files.write(dir.resolve("source-" + index), bytes));
            expected.add(md5(bytes));
        }
        FileHasher hasher = new FileHasher();
        ExecutorService pool = Executors.newFixedThreadPool(sources.size());
        try {
            List<Future<String>> digests = new ArrayList<>();
            for (int index = 0; index < sources.size(); index++) {
                Path source = sources.get(index);
                Path copy = dir.resolve("copy-" + index);
                digests.add(pool.submit(() -> hasher.copyThenHash(source, copy)));
            }
            for (int index = 0; index < sources.size(); index++) {
                assertThat(digests.get(index).get(60, TimeUnit.SECONDS)).as("size %d", sizes.get(index))
                        .isEqualTo(expected.get(index));
                assertThat(Files.mismatch(sources.get(index), dir.resolve("copy-" + index))).isEqualTo(-1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(hasher.bytesRead()).isEqualTo(sizes.stream().mapToLong(Integer::longValue).sum());
    }

    @Test
    void aCallerInterruptedWhileItWaitsStopsWaitingAndTheWorkersGoOn() throws Exception {
        assumeTrue(LaneMd5.available(), "the native MD5 kernel is not built or not supported here");
        byte[] bytes = new byte[4 * CHUNK + 5];
        new Random(3).nextBytes(bytes);
        Path file = Files.write(dir.resolve("big.bin"), bytes);

        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> LaneMd5.follow(file, new LongAdder()).digest(bytes.length))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();

        assertThat(LaneMd5.follow(file, new LongAdder()).digest(bytes.length)).isEqualTo(md5(bytes));
    }

    @Test
    void aFileIsHashedBehindItsWritesInUnevenPiecesBesideOthers() throws Exception {
        assumeTrue(LaneMd5.available(), "the native MD5 kernel is not built or not supported here");
        byte[] bytes = new byte[9 * CHUNK + 1_234];
        new Random(11).nextBytes(bytes);
        byte[] other = new byte[3 * CHUNK + 17];
        new Random(12).nextBytes(other);
        Path growing = dir.resolve("growing.bin");
        Path done = Files.write(dir.resolve("done.bin"), other);
        LongAdder read = new LongAdder();

        Files.write(growing, new byte[0]);
        LaneMd5.Follower follower = LaneMd5.follow(growing, read);
        LaneMd5.Follower beside = LaneMd5.follow(done, read);
        int[] ends = {1, CHUNK - 1, CHUNK + 1, 2 * CHUNK + 1, 2 * CHUNK + 2, 6 * CHUNK, 9 * CHUNK, bytes.length};
        int written = 0;
        try (var out = Files.newOutputStream(growing, java.nio.file.StandardOpenOption.APPEND)) {
            for (int end : ends) {
                out.write(bytes, written, end - written);
                out.flush();
                written = end;
                follower.advance(written);
                Thread.sleep(5); // the worker hashes what it may meanwhile, and waits for the rest
            }
        }

        assertThat(beside.digest(other.length)).isEqualTo(md5(other));
        assertThat(follower.digest(bytes.length)).isEqualTo(md5(bytes));
        assertThat(read.sum()).as("every byte read once").isEqualTo(bytes.length + other.length);
    }

    @Test
    void aCopyFarAheadOfItsHashWaitsUntilTheHashIsHalfTheLeadBehind() throws Exception {
        assumeTrue(LaneMd5.available(), "the native MD5 kernel is not built or not supported here");
        long lead = LaneMd5.Follower.LEAD;
        byte[] bytes = new byte[(int) (lead + lead / 2 + 3)];
        new Random(21).nextBytes(bytes);
        Path file = Files.write(dir.resolve("ahead.bin"), bytes);
        LaneMd5.Follower follower = LaneMd5.follow(file, new LongAdder());

        follower.advance(lead); // not beyond the lead: no wait
        follower.keepUp(lead);
        follower.advance(bytes.length);
        follower.keepUp(bytes.length);
        long hashedOnReturn = follower.hashed();

        assertThat(hashedOnReturn).as("hashed when the copy was let go").isGreaterThanOrEqualTo(bytes.length - lead / 2);
        assertThat(follower.digest(bytes.length)).isEqualTo(md5(bytes));
    }

    @Test
    void aCopyHeldBackStopsWaitingWhenItsFileIsDroppedOrItIsInterrupted() throws Exception {
        assumeTrue(LaneMd5.available(), "the native MD5 kernel is not built or not supported here");
        Path file = Files.write(dir.resolve("small.bin"), new byte[3 * CHUNK]);
        long farAhead = 100 * LaneMd5.Follower.LEAD; // more than the file holds: the hash never gets there

        LaneMd5.Follower dropped = LaneMd5.follow(file, new LongAdder());
        dropped.cancel();
        dropped.keepUp(farAhead);

        LaneMd5.Follower interrupted = LaneMd5.follow(file, new LongAdder());
        interrupted.advance(CHUNK);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> interrupted.keepUp(farAhead)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        interrupted.cancel();
    }

    @Test
    void aNewFileJoinsTheBusiestWorkerWithAFreeLane() {
        int full = LaneMd5.LANES;
        assertThat(LaneMd5.Worker.choose(new int[] {0, 0})).isZero();
        assertThat(LaneMd5.Worker.choose(new int[] {0, 3})).isEqualTo(1);
        assertThat(LaneMd5.Worker.choose(new int[] {5, 9, 2})).isEqualTo(1);
        assertThat(LaneMd5.Worker.choose(new int[] {full, 1})).as("the first one's lanes are taken").isEqualTo(1);
        assertThat(LaneMd5.Worker.choose(new int[] {full + 4, full + 1, full + 2})).as("all taken: the least loaded")
                .isEqualTo(1);
        assertThat(LaneMd5.Worker.choose(new int[] {7})).isZero();
    }

    @Test
    void aCancelledFileIsDroppedAndTheWorkersGoOn() throws Exception {
        assumeTrue(LaneMd5.available(), "the native MD5 kernel is not built or not supported here");
        byte[] bytes = new byte[3 * CHUNK];
        new Random(5).nextBytes(bytes);
        Path file = Files.write(dir.resolve("half.bin"), bytes);

        // reported half written, then its copy failed: nobody waits for it, and it never completes
        for (int index = 0; index < 3 * LaneMd5.LANES; index++) {
            LaneMd5.Follower abandoned = LaneMd5.follow(file, new LongAdder());
            abandoned.advance(bytes.length / 2);
            abandoned.cancel();
        }

        assertThat(LaneMd5.follow(file, new LongAdder()).digest(bytes.length)).isEqualTo(md5(bytes));
    }

    @Test
    void aMissingFileIsNamedWithOrWithoutTheKernel() throws Exception {
        Path present = Files.write(dir.resolve("present.bin"), new byte[100]);
        Path gone = dir.resolve("gone.bin");
        for (boolean lanes : LaneMd5.available() ? new boolean[] {false, true} : new boolean[] {false}) {
            assertThatThrownBy(() -> new FileHasher().hashAll(List.of(present, gone, present), lanes))
                    .as("lanes %s", lanes).isInstanceOf(SlipwayException.class)
                    .hasMessageContaining("gone.bin").hasMessageContaining("vanished")
                    .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        }
        if (LaneMd5.available()) {
            assertThatThrownBy(() -> LaneMd5.follow(gone, new LongAdder()).digest(0))
                    .isInstanceOf(LaneMd5.FileFailure.class)
                    .extracting(e -> ((LaneMd5.FileFailure) e).file()).isEqualTo(gone);
            // the worker that refused it goes on serving
            assertThat(LaneMd5.follow(present, new LongAdder()).digest(100)).isEqualTo(md5(new byte[100]));
        }
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
