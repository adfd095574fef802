package dev.slipway.data;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * MD5 (the DVC 3 rule: the digest of the bytes) of several files at once: a native kernel ({@code src/main/c/
 * lane_md5.c}, built with the module where gcc is present) runs the compression function of up to sixteen files side
 * by side in the 32-bit lanes of vector registers: two groups of eight on 256-bit registers with AVX2, and with
 * AVX-512 one group on 256-bit registers or both at once on 512-bit ones. One MD5 is a chain of dependent steps that
 * leaves most of a core idle; eight chains together run five to six times faster per core than {@code
 * MessageDigest}'s single chain, sixteen with AVX-512 about 1.4 times faster again (a lane working alone takes a
 * plain scalar path instead).
 * The lanes go in step, so the files are read {@link FileHasher#CHUNK_SIZE} bytes a lane at a time; a lane whose file
 * ends takes the next file.
 *
 * <p>{@link #hash} hashes a list of files on the calling thread. {@link #follow} hands a file the caller is writing
 * to a shared worker thread (one per core), which hashes it behind the writes, so that the files several threads copy
 * at once, as {@code add} and {@code pull} do, fill the workers' lanes while they are copied; those files are private
 * copies, read through a memory mapping rather than copied into a buffer.
 *
 * <p>{@link #available()} is false where the kernel cannot run (no library for this platform, a CPU without AVX2, or
 * {@code -Dslipway.laneMd5=false}); callers then hash each file with {@code MessageDigest}. Thread-safe.
 */
final class LaneMd5 {
    static final int LANES = 16;
    /**
     * At most this many hashing workers, one per core below it: four cores' lanes hash faster than any disk or page
     * cache copy feeds them, and each worker keeps up to sixteen buffers of {@link FileHasher#CHUNK_SIZE} of direct
     * memory.
     */
    static final int MAX_WORKERS = 4;
    /**
     * Set to {@code false} to hash one file at a time with {@code MessageDigest}, to {@code avx2} to keep to the AVX2
     * kernel where the CPU also has AVX-512.
     */
    static final String PROPERTY = "slipway.laneMd5";
    /**
     * The path of the library already unpacked from this jar, loaded as it is (the launcher unpacks it once per
     * jar): otherwise each start copies it out of the jar to a temporary file, about 15 ms of a data command, most
     * of it in seeding the random temporary name.
     */
    static final String LIBRARY_PROPERTY = "slipway.laneMd5.library";
    /** The kernel built for AVX2, which {@link #widest} returns where the CPU has AVX2 but not AVX-512 (F and VL). */
    static final int AVX2 = 1;
    /** The kernel built for AVX-512 (F and VL: eight lanes on 256-bit registers, sixteen on 512-bit ones). */
    static final int AVX512 = 2;
    private static final int BLOCK = 64;
    /** How the JVM encodes file names for the operating system. */
    private static final Charset FILE_NAMES = fileNameCharset();
    private static final int[] INITIAL = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    private static final System.Logger LOG = System.getLogger(LaneMd5.class.getName());
    /** The kernel {@link #compress} runs: {@link #AVX2} or {@link #AVX512}; 0 where none is loaded or runs. */
    private static final int KERNEL = load();
    private static final boolean AVAILABLE = KERNEL > 0;
    /** {@code sun.misc.Unsafe.invokeCleaner} bound to the instance, which unmaps a mapped buffer; null without it. */
    private static final MethodHandle UNMAPPER = unmapper();

    private LaneMd5() {}

    /** How many shared hashing workers {@link #follow} uses: one per core, {@value #MAX_WORKERS} at most. */
    static int workers() {
        return Math.max(1, Math.min(MAX_WORKERS, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * How many files to have in flight for {@link #follow} to fill its workers' lanes, two workers' at most (files
     * fill one worker's lanes before the next, and two workers hash faster than copies feed them); {@code otherwise}
     * where the kernel does not run.
     */
    static int filesInFlight(int otherwise) {
        return AVAILABLE ? Math.max(otherwise, LANES * Math.min(2, workers())) : otherwise;
    }

    /** Whether the native kernel is loaded and runs on this CPU. */
    static boolean available() {
        return AVAILABLE;
    }

    /** The class-path resource of the kernel built for this platform; absent where none is built. */
    static String libraryResource() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        return os.startsWith("linux") && x64 ? "/dev/slipway/data/native/linux-x86_64/liblanemd5.so" : "";
    }

    private static int load() {
        String setting = System.getProperty(PROPERTY, "true");
        if ("false".equalsIgnoreCase(setting)) {
            return 0;
        }
        String resource = libraryResource();
        if (resource.isEmpty()) {
            return 0;
        }
        String unpacked = System.getProperty(LIBRARY_PROPERTY, "");
        if (!unpacked.isEmpty() && Files.isRegularFile(Path.of(unpacked))) {
            try {
                System.load(Path.of(unpacked).toAbsolutePath().toString());
                return chosen(setting);
            } catch (LinkageError | SecurityException e) {
                LOG.log(System.Logger.Level.DEBUG, "Cannot load " + unpacked + ", using the jar's copy: " + e);
            }
        }
        try (InputStream library = LaneMd5.class.getResourceAsStream(resource)) {
            if (library == null) {
                return 0;
            }
            // a copy outside the jar for the loader; the mapping outlives the file, so it is removed at once
            Path copy = Files.createTempFile("slipway-lanemd5-", ".so");
            try {
                Files.copy(library, copy, StandardCopyOption.REPLACE_EXISTING);
                System.load(copy.toAbsolutePath().toString());
            } finally {
                Files.deleteIfExists(copy);
            }
            return chosen(setting);
        } catch (IOException | LinkageError | SecurityException e) {
            LOG.log(System.Logger.Level.DEBUG, "The native MD5 kernel is not used: " + e);
            return 0;
        }
    }

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** The kernel to run once the library is loaded: the widest the CPU runs, or AVX2 when {@code setting} asks. */
    private static int chosen(String setting) {
        int widest = widest();
        return "avx2".equalsIgnoreCase(setting) ? Math.min(widest, AVX2) : widest;
    }

    private static MethodHandle unmapper() {
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return MethodHandles.lookup().findVirtual(type, "invokeCleaner",
                    MethodType.methodType(void.class, ByteBuffer.class)).bindTo(field.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The widest kernel the CPU runs: {@link #AVX512}, {@link #AVX2}, or 0 when it lacks AVX2. */
    private static native int widest();

    /** The kernel in use: {@link #AVX512} or {@link #AVX2}, 0 when none is ({@link #available()} is false). */
    static int kernel() {
        return KERNEL;
    }

    /**
     * Runs the compression function over {@code blocks[l]} 64-byte blocks from the start of {@code data[l]} (a direct
     * buffer; null for an idle lane) on lane {@code l} of {@code state}, laid out as a[16], b[16], c[16], d[16], with
     * {@code kernel} ({@link #AVX2} or {@link #AVX512}, at most {@link #widest}).
     *
     * @return false, changing nothing, when an argument is not as described
     */
    private static native boolean compress(int[] state, ByteBuffer[] data, int[] blocks, int kernel);

    /** FICLONE of file source into new file target (paths in the file system's encoding): 0 or the errno. */
    private static native int cloneFile(byte[] source, byte[] target);

    /**
     * Clones {@code source} into {@code target}, which must not exist, copy-on-write through the library's FICLONE
     * call (a call where {@code cp --reflink} costs a process): whether it was cloned (where the file system cannot
     * clone, or another step fails, nothing is left at {@code target}); empty where the library is not loaded.
     */
    static Optional<Boolean> reflink(Path source, Path target) {
        if (!AVAILABLE) {
            return Optional.empty();
        }
        return Optional.of(cloneFile(nameBytes(source), nameBytes(target)) == 0);
    }

    private static byte[] nameBytes(Path path) {
        return path.toAbsolutePath().toString().getBytes(FILE_NAMES);
    }

    /** A file that could not be opened or read; the caller words the message. */
    static final class FileFailure extends Exception {
        private final Path file;

        FileFailure(Path file, IOException cause) {
            super(cause.getMessage(), cause);
            this.file = file;
        }

        Path file() {
            return file;
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /**
     * The lowercase hex MD5 of each file, in the order given, reading each once on the calling thread.
     *
     * @param bytesRead counts every byte read
     * @throws IllegalStateException if the kernel is not {@link #available()}
     * @throws FileFailure naming the first file that could not be opened or read
     */
    static List<String> hash(List<Path> files, LongAdder bytesRead) throws FileFailure {
        return hash(files, bytesRead, KERNEL);
    }

    /**
     * As {@link #hash(List, LongAdder)} with the kernel given ({@link #AVX2} or {@link #AVX512}; the tests run
     * both where the CPU has both).
     *
     * @throws IllegalArgumentException if the CPU does not run {@code kernel}
     */
    static List<String> hash(List<Path> files, LongAdder bytesRead, int kernel) throws FileFailure {
        requireAvailable();
        if (kernel < AVX2 || kernel > widest()) {
            throw new IllegalArgumentException("this CPU does not run MD5 kernel " + kernel);
        }
        String[] digests = new String[files.size()];
        try (LaneSet lanes = new LaneSet(kernel)) {
            int next = 0;
            while (true) {
                while (next < files.size() && lanes.hasFree()) {
                    lanes.start(new Request(files.get(next), bytesRead, next, false));
                    next++;
                }
                if (lanes.active() == 0) {
                    return Arrays.asList(digests);
                }
                for (Request done : lanes.round()) {
                    if (done.failure != null) {
                        throw done.failure;
                    }
                    digests[done.index] = done.digest;
                }
            }
        }
    }

    /**
     * Starts hashing {@code file}, a private copy the caller is writing from its start (nobody else writes it, and it
     * never shrinks), on a lane of a shared worker thread (one per core, {@link #workers()}): the worker reads the
     * bytes the caller reports written ({@link Follower#advance}) while the rest are still being copied, so that
     * copying and hashing overlap, and files that several threads copy at the same time, as {@code add} and
     * {@code pull} do, share the workers' lanes. A new file joins the busiest worker with a free lane
     * ({@link Worker#forNewFile}). The file is read through a memory mapping, never beyond what was reported written.
     */
    static Follower follow(Path file, LongAdder bytesRead) {
        requireAvailable();
        Worker worker = Worker.forNewFile();
        Request request = new Request(file, bytesRead, 0, true);
        worker.submit(request);
        return new Follower(request, worker);
    }

    /** A file being hashed while it is written ({@link #follow}); used by the thread that writes it. */
    static final class Follower {
        /** How far a copy may run ahead of its hash before {@link #keepUp} holds it back. */
        static final long LEAD = 32L * FileHasher.CHUNK_SIZE;
        /** The longest {@link #keepUp} sleeps between two looks, as a safety net; the worker wakes it sooner. */
        private static final long KEEP_UP_WAIT = 10_000_000L;

        private final Request request;
        private final Worker worker;

        private Follower(Request request, Worker worker) {
            this.request = request;
            this.worker = worker;
        }

        /** How many bytes from the file's start are hashed so far. */
        long hashed() {
            return request.hashed;
        }

        /** The file now holds at least {@code written} bytes from its start. */
        void advance(long written) {
            request.readable = written;
            worker.wake();
        }

        /** The file is complete at {@code size} bytes; waits for its digest. */
        String digest(long size) throws FileFailure, InterruptedException {
            request.readable = size;
            request.complete = true;
            worker.wake();
            try {
                request.done.await();
            } catch (InterruptedException e) {
                cancel();
                throw e;
            }
            if (request.failure != null) {
                throw request.failure;
            }
            return request.digest;
        }

        /**
         * Waits, when the file holds {@code written} bytes, until the worker has hashed all but {@link #LEAD} of
         * them (or the file is done or dropped). The threads copying files are many and the worker one, so without
         * this the copies take most of the CPU while they run and the worker hashes their backlog alone afterwards,
         * with the other cores idle; held back, copies and hashing finish together.
         */
        void keepUp(long written) throws InterruptedException {
            if (written - request.hashed <= LEAD) {
                return;
            }
            // woken once the hash is half the lead behind, not at every chunk: each wake-up of a copying thread
            // preempts the worker
            long until = written - LEAD / 2;
            request.resumeAt = until;
            request.waiter = Thread.currentThread();
            try {
                while (request.hashed < until && !request.cancelled && request.done.getCount() > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(this, KEEP_UP_WAIT);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            } finally {
                request.waiter = null;
            }
        }

        /** Drops the file (its copy failed); the worker stops reading it and unmaps it soon after. */
        void cancel() {
            request.cancelled = true;
            worker.wake();
        }
    }

    private static void requireAvailable() {
        if (!AVAILABLE) {
            throw new IllegalStateException("the native MD5 kernel is not available");
        }
    }

    /** One file to hash, and once {@link #done} its digest or failure. */
    private static final class Request {
        final Path file;
        final LongAdder bytesRead;
        final int index;
        /**
         * Whether the file may be read through a memory mapping: only a private copy being written by the caller
         * ({@link #follow}), read up to {@link #readable}, as a file truncated under the mapping would stop the kernel
         * with SIGBUS.
         */
        final boolean followed;
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean cancelled;
        /** For a file being written ({@link #follow}): how many bytes from its start may be read. */
        volatile long readable;
        /** For a file being written: whether {@link #readable} is its final size. */
        volatile boolean complete;
        /** How many bytes from its start are hashed. */
        volatile long hashed;
        /** The thread waiting for {@link #hashed} to reach {@link #resumeAt} ({@link Follower#keepUp}), if any. */
        volatile Thread waiter;
        volatile long resumeAt;
        String digest;
        FileFailure failure;

        Request(Path file, LongAdder bytesRead, int index, boolean followed) {
            this.file = file;
            this.bytesRead = bytesRead;
            this.index = index;
            this.followed = followed;
        }

        /** Lets the thread waiting in {@link Follower#keepUp}, if any, look again. */
        void wakeWaiter() {
            Thread thread = waiter;
            if (thread != null) {
                java.util.concurrent.locks.LockSupport.unpark(thread);
            }
        }
    }

    /** Sixteen lanes with their buffers and the kernel's state; used by one thread at a time. */
    private static final class LaneSet implements AutoCloseable {
        private final Lane[] lanes = new Lane[LANES];
        private final ByteBuffer[] buffers = new ByteBuffer[LANES];
        private final ByteBuffer[] data = new ByteBuffer[LANES];
        private final int[] blocks = new int[LANES];
        private final int[] state = new int[4 * LANES];
        private final int kernel;
        private int active;

        LaneSet(int kernel) {
            this.kernel = kernel;
        }

        boolean hasFree() {
            return active < LANES;
        }

        int active() {
            return active;
        }

        /** Puts the request on a free lane; a file that cannot be opened fails the request at once. */
        void start(Request request) throws FileFailure {
            for (int lane = 0; lane < LANES; lane++) {
                if (lanes[lane] == null) {
                    if (buffers[lane] == null) {
                        buffers[lane] = ByteBuffer.allocateDirect(FileHasher.CHUNK_SIZE + 2 * BLOCK)
                                .order(ByteOrder.LITTLE_ENDIAN);
                    }
                    lanes[lane] = Lane.open(request, buffers[lane]);
                    for (int word = 0; word < 4; word++) {
                        state[word * LANES + lane] = INITIAL[word];
                    }
                    active++;
                    return;
                }
            }
            throw new IllegalStateException("no free lane");
        }

        /** How many lanes have their next chunk to read (a file being written may not have it yet). */
        int ready() {
            int ready = 0;
            for (Lane lane : lanes) {
                if (lane != null && lane.ready()) {
                    ready++;
                }
            }
            return ready;
        }

        /**
         * Reads the next chunk of every lane's file that has one ({@link #ready}) and digests them: one call of the
         * kernel; the other lanes keep their state.
         *
         * @return the requests that finished (with their digest) or failed (with their failure), their lanes freed
         */
        List<Request> round() {
            List<Request> finished = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                data[lane] = null;
                blocks[lane] = 0;
                if (lanes[lane] == null || !lanes[lane].ready()) {
                    continue;
                }
                try {
                    blocks[lane] = lanes[lane].fill();
                    data[lane] = lanes[lane].current;
                } catch (FileFailure e) {
                    lanes[lane].request.failure = e;
                    finished.add(free(lane));
                }
            }
            if (!compress(state, data, blocks, kernel)) {
                for (int lane = 0; lane < LANES; lane++) {
                    if (lanes[lane] != null) {
                        lanes[lane].request.failure = new FileFailure(lanes[lane].request.file,
                                new IOException("the native MD5 kernel refused its arguments"));
                        finished.add(free(lane));
                    }
                }
                return finished;
            }
            for (int lane = 0; lane < LANES; lane++) {
                if (lanes[lane] != null && blocks[lane] > 0) {
                    Request request = lanes[lane].request;
                    request.hashed = lanes[lane].position;
                    if (request.hashed >= request.resumeAt) {
                        request.wakeWaiter();
                    }
                }
                if (lanes[lane] != null && lanes[lane].finished) {
                    lanes[lane].request.digest = hex(state, lane);
                    finished.add(free(lane));
                }
            }
            return finished;
        }

        /** Frees the lanes whose requests match; returns those requests. */
        List<Request> drop(Predicate<Request> which) {
            List<Request> dropped = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                if (lanes[lane] != null && which.test(lanes[lane].request)) {
                    dropped.add(free(lane));
                }
            }
            return dropped;
        }

        private Request free(int lane) {
            Request request = lanes[lane].request;
            lanes[lane].close();
            lanes[lane] = null;
            active--;
            return request;
        }

        @Override
        public void close() {
            drop(request -> true);
        }
    }

    /** A daemon thread that hashes the files other threads hand it, up to sixteen at once. */
    static final class Worker implements Runnable {
        /** The longest a worker waits for a file being written, as a safety net; any news wakes it sooner. */
        private static final long IDLE_WAIT = 50_000_000L;
        /**
         * How long a worker waits for a lane that ran out of written bytes while others still have some, before it
         * hashes what it has: a call of the kernel costs about the same for two lanes as for eight.
         */
        private static final long STRAGGLER_WAIT = 20_000_000L;
        private static Worker[] workers;

        private volatile Thread thread;

        private final BlockingQueue<Request> inbox =
                new LinkedBlockingQueue<>();
        /** Files queued or on a lane. */
        private final AtomicInteger load = new AtomicInteger();

        /**
         * The worker a new file goes to: the busiest that still has a free lane, so that files copied at the same
         * time share kernel calls (a call costs about the same for two lanes as for eight, and with AVX-512 for
         * sixteen as for twelve), leaving the other cores to the copies; the least loaded once all lanes are taken.
         * Ten files of a pull on two cores take one worker's call instead of two workers' (two calls of five lanes).
         */
        static synchronized Worker forNewFile() {
            if (workers == null) {
                workers = new Worker[workers()];
                for (int index = 0; index < workers.length; index++) {
                    workers[index] = new Worker();
                    Thread thread = new Thread(workers[index], "slipway-md5-lanes-" + index);
                    thread.setDaemon(true);
                    workers[index].thread = thread;
                    thread.start();
                }
            }
            int[] loads = new int[workers.length];
            for (int index = 0; index < workers.length; index++) {
                loads[index] = workers[index].load.get();
            }
            return workers[choose(loads)];
        }

        /** Which of workers with these loads (files queued or on a lane) {@link #forNewFile} picks. */
        static int choose(int[] loads) {
            int busiest = -1;
            int least = 0;
            for (int index = 0; index < loads.length; index++) {
                if (loads[index] < LANES && (busiest < 0 || loads[index] > loads[busiest])) {
                    busiest = index;
                }
                if (loads[index] < loads[least]) {
                    least = index;
                }
            }
            return busiest >= 0 ? busiest : least;
        }

        void submit(Request request) {
            load.incrementAndGet();
            inbox.add(request);
            wake();
        }

        /** Ends a wait for files being written: there is news (more bytes, a file complete or dropped, a new file). */
        void wake() {
            java.util.concurrent.locks.LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            LaneSet lanes = new LaneSet(KERNEL);
            long waitingSince = 0;
            int readyBefore = Integer.MAX_VALUE; // lanes ready at the last round; none yet
            while (true) {
                Request taken = null;
                try {
                    // new files fill the free lanes; the worker waits only when it has nothing to hash
                    while (lanes.hasFree()) {
                        taken = lanes.active() == 0 ? inbox.take() : inbox.poll();
                        if (taken == null) {
                            break;
                        }
                        Request request = taken;
                        if (request.cancelled) {
                            taken = null;
                            finish(request);
                            continue;
                        }
                        try {
                            lanes.start(request);
                        } catch (FileFailure e) {
                            request.failure = e;
                            finish(request);
                        }
                        taken = null;
                    }
                    lanes.drop(request -> request.cancelled).forEach(this::finish);
                    if (lanes.active() == 0) {
                        continue;
                    }
                    // files still being written may not have their next chunk yet: wait for them (woken by news), a
                    // little while only when some lanes are ready
                    int ready = lanes.ready();
                    if (ready == 0) {
                        waitingSince = 0;
                        readyBefore = Integer.MAX_VALUE;
                        java.util.concurrent.locks.LockSupport.parkNanos(this, IDLE_WAIT);
                        continue;
                    }
                    // only at the start or when a lane has just run out: while the same lanes stay ready, their
                    // backlog is hashed without pause
                    if (ready < lanes.active() && ready < readyBefore) {
                        long now = System.nanoTime();
                        if (waitingSince == 0) {
                            waitingSince = now;
                        }
                        long left = STRAGGLER_WAIT - (now - waitingSince);
                        if (left > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(this, left);
                            continue;
                        }
                    }
                    waitingSince = 0;
                    readyBefore = ready;
                    lanes.round().forEach(this::finish);
                } catch (InterruptedException e) {
                    // nobody interrupts this daemon thread; go on serving
                } catch (RuntimeException | Error e) {
                    // fail whatever was in hand rather than leave its caller waiting
                    List<Request> failed = new ArrayList<>(lanes.drop(request -> true));
                    if (taken != null) {
                        failed.add(taken);
                    }
                    for (Request request : failed) {
                        request.failure = new FileFailure(request.file, new IOException("hashing failed: " + e, e));
                        finish(request);
                    }
                }
            }
        }

        private void finish(Request request) {
            load.decrementAndGet();
            request.done.countDown();
            request.wakeWaiter();
        }
    }

    private static String hex(int[] state, int lane) {
        StringBuilder hex = new StringBuilder(32);
        for (int word = 0; word < 4; word++) {
            int value = state[word * LANES + lane];
            for (int octet = 0; octet < 4; octet++) {
                int b = (value >>> (8 * octet)) & 0xff;
                hex.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
            }
        }
        return hex.toString();
    }

    /** One file on a lane: read a chunk at a time into the lane's buffer, padded as MD5 pads once it ends. */
    private static final class Lane {
        final Request request;
        /** The lane's own buffer: every chunk of a file that is not mapped, and the padded end of every file. */
        final ByteBuffer buffer;
        private final FileChannel channel;
        /** Where the next chunk starts. */
        private long position;
        private MappedByteBuffer mapping;
        private long mappedAt = -1;
        /** What the kernel reads next: a slice of the mapping or the lane's buffer. */
        ByteBuffer current;
        boolean finished;

        private Lane(Request request, FileChannel channel, ByteBuffer buffer) {
            this.request = request;
            this.channel = channel;
            this.buffer = buffer;
        }

        static Lane open(Request request, ByteBuffer buffer) throws FileFailure {
            try {
                return new Lane(request, FileChannel.open(request.file, StandardOpenOption.READ), buffer);
            } catch (IOException e) {
                throw new FileFailure(request.file, e);
            }
        }

        /**
         * Whether {@link #fill} has a chunk to read: always, but for a file being written ({@link #follow}) only once
         * it holds a whole chunk beyond the one its end may fall in, or is complete.
         */
        boolean ready() {
            return !request.followed || request.complete || request.readable - position > FileHasher.CHUNK_SIZE;
        }

        /** Reads the next chunk (padding it when the file ends there); returns the whole blocks to digest. */
        int fill() throws FileFailure {
            try {
                // complete before readable: once complete is seen, readable is the final size
                boolean complete = request.complete;
                long size = request.followed ? request.readable : channel.size();
                if (request.followed && !complete && size - position <= FileHasher.CHUNK_SIZE) {
                    throw new IllegalStateException("no chunk to read yet"); // ready() was false
                }
                if (request.followed && size - position > FileHasher.CHUNK_SIZE) {
                    long window = 64L * FileHasher.CHUNK_SIZE;
                    // mapped a window at a time, never beyond what was written; each chunk lies whole inside one
                    if (mapping == null || position + FileHasher.CHUNK_SIZE > mappedAt + mapping.capacity()) {
                        unmap();
                        mappedAt = position;
                        mapping = channel.map(FileChannel.MapMode.READ_ONLY, position,
                                Math.min(window, size - position));
                    }
                    current = mapping.slice((int) (position - mappedAt), FileHasher.CHUNK_SIZE);
                    position += FileHasher.CHUNK_SIZE;
                    request.bytesRead.add(FileHasher.CHUNK_SIZE);
                    return FileHasher.CHUNK_SIZE / BLOCK;
                }
                channel.position(position);
            } catch (IOException e) {
                throw new FileFailure(request.file, e);
            }
            current = buffer;
            buffer.clear().limit(FileHasher.CHUNK_SIZE);
            int read;
            try {
                read = FileHasher.readFully(channel, buffer);
            } catch (IOException e) {
                throw new FileFailure(request.file, e);
            }
            request.bytesRead.add(read);
            position += read;
            if (read < FileHasher.CHUNK_SIZE) {
                buffer.limit(buffer.capacity());
                buffer.put((byte) 0x80);
                while (buffer.position() % BLOCK != BLOCK - Long.BYTES) {
                    buffer.put((byte) 0);
                }
                buffer.putLong(position * 8);
                finished = true;
            }
            return buffer.position() / BLOCK;
        }

        /** Releases the mapping now rather than at some garbage collection (thousands of files are mapped in turn). */
        private void unmap() {
            if (mapping != null) {
                if (UNMAPPER != null) {
                    try {
                        UNMAPPER.invoke(mapping);
                    } catch (Throwable e) {
                        LOG.log(System.Logger.Level.DEBUG, "Cannot release a mapping of " + request.file + ": " + e);
                    }
                }
                mapping = null;
            }
        }

        void close() {
            unmap();
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "Cannot close " + request.file + ": " + e.getMessage());
            }
        }
    }
}
