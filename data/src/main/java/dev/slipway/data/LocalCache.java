package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The content-addressed cache of a DVC repository ({@code .dvc/cache}): DVC 3 objects at
 * {@code files/md5/XX/<30 hex>[.dir]}, DVC 2 objects at {@code XX/<30 hex>[.dir]}.
 *
 * <p>Objects are written to a temporary name ({@code .<random>.tmp}) in their folder, made read-only
 * (0444) and renamed into place, so a crash never leaves a partial object under a real name. An object
 * is verified before it is checked out; one whose bytes no longer match its name is reported as
 * corrupted and never reaches the workspace.
 *
 * <p>An object larger than {@link FileHasher#CHUNK_SIZE} that this class writes (from bytes it hashed on the
 * way) gets a modification time one second before the moment it was written, and its {@link FileStamp} is
 * kept until {@link #rememberWrittenFiles()} records it in the state cache as the object's md5. A later
 * write to the object sets its modification time to the current time, which cannot equal that stamp; while
 * path, inode, modification time and size all still match, {@link #knownIntact} trusts the object without
 * reading it (as DVC trusts its state), which lets {@code push} send it as a plain copy. Corruption that keeps
 * all four (a disk's bit rot, a tool that restores the time) is not seen that way; {@link #verifyAll} reads
 * every byte.
 *
 * <p>Not thread-safe (verification goes through a {@link WorkspaceHasher}).
 */
public final class LocalCache {
    private static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("r--r--r--");

    private static final FileAttribute<Set<PosixFilePermission>> READ_ONLY_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(READ_ONLY);

    private final Path root;
    private final WorkspaceHasher hasher;
    /** Folders this process created or found, so each is checked once. */
    private final Set<Path> folders = ConcurrentHashMap.newKeySet();
    /** Objects this process wrote or received after hashing their bytes: present, and known to be intact. */
    private final Set<HashInfo> verified = ConcurrentHashMap.newKeySet();
    /**
     * Stamps of the large objects and the workspace copies written since {@link #rememberWrittenFiles()}, with
     * their md5.
     */
    private final Map<FileStamp, String> writtenStamps = new ConcurrentHashMap<>();
    /** Copies of objects written for the workspace as the objects arrived, by the workspace path they are for. */
    private final Map<Path, Path> stagedCopies = new ConcurrentHashMap<>();
    /** Whether a reflink has failed here: then later checkouts skip straight to the next link type. */
    private volatile boolean reflinkFailed;

    /**
     * @param root the cache folder, usually {@code <repo>/.dvc/cache}
     * @param hasher used to verify objects (its state cache keeps repeated verification cheap)
     */
    public LocalCache(Path root, WorkspaceHasher hasher) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath();
        this.hasher = requireNonNull(hasher, "hasher is null");
    }

    public Path root() {
        return root;
    }

    /**
     * Forgets what this instance learnt about the cache (folders that exist, objects it wrote or verified), so
     * that changes made since by others are seen; {@link Repository} calls it as each operation starts.
     */
    public void forget() {
        folders.clear();
        verified.clear();
    }

    /** Where the object named {@code hash} lives, whether or not it exists. */
    public Path objectPath(HashInfo hash) {
        String value = hash.value();
        Path base = layoutRoot(hash.name());
        return base.resolve(value.substring(0, 2)).resolve(value.substring(2));
    }

    /** The folder holding the prefix folders of {@code rule}'s objects: {@code files/md5} for DVC 3, the root for DVC 2. */
    private Path layoutRoot(HashName rule) {
        return switch (rule) {
            case MD5 -> root.resolve("files").resolve("md5");
            case MD5_DOS2UNIX -> root;
        };
    }

    public boolean contains(HashInfo hash) {
        return verified.contains(hash) || Files.isRegularFile(objectPath(hash));
    }

    /**
     * A digest of the modification times of the cache's 256 prefix folders for {@code rule}'s layout: it stays
     * the same exactly while no object of that layout is added, removed or renamed (a folder's time changes
     * with its entries), so a presence check made under one value still holds under the same value.
     */
    public String presenceStamp(HashName rule) {
        Path base = layoutRoot(rule);
        MessageDigest digest = Md5.newDigest();
        java.nio.ByteBuffer times = java.nio.ByteBuffer.allocate(256 * Long.BYTES);
        for (int prefix = 0; prefix < 256; prefix++) {
            long modified;
            try {
                modified = Files.readAttributes(base.resolve(String.format("%02x", prefix)), BasicFileAttributes.class)
                        .lastModifiedTime().to(TimeUnit.NANOSECONDS);
            } catch (IOException e) {
                modified = -1; // absent (or unreadable, which the check itself then reports)
            }
            times.putLong(modified);
        }
        digest.update(times.array());
        return Md5.hex(digest);
    }

    /**
     * Whether every object given by rule and value (32 hex digits, optionally {@code .dir}) is in the cache,
     * checked by reading the names in their prefix folders (one directory read per folder) rather than one
     * {@code stat} each.
     */
    public boolean containsAll(HashName rule, java.util.Collection<String> values) {
        Path base = layoutRoot(rule);
        java.util.Map<String, Set<String>> names = new java.util.HashMap<>();
        for (String value : values) {
            if (value.length() < 3) {
                return false;
            }
            Set<String> present = names.computeIfAbsent(value.substring(0, 2), prefix -> namesIn(base.resolve(prefix)));
            if (!present.contains(value.substring(2)) && !verified.contains(new HashInfo(rule, value))) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> namesIn(Path folder) {
        Set<String> names = new java.util.HashSet<>();
        try (var entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return names;
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot list the cache folder '%s': %s", folder, e.getMessage()), e);
        }
        return names;
    }

    /**
     * Copies {@code source} into the cache as the object {@code expected}, unless it is already there.
     * The bytes are hashed while they are copied.
     *
     * @throws SlipwayException RESOURCE_CONFLICT naming the file if its content changed since it was
     *     hashed (nothing is stored then)
     */
    public void storeFile(Path source, HashInfo expected) {
        requireNonNull(source, "source is null");
        if (expected.isDirectory()) {
            throw new IllegalArgumentException("a file cannot be stored as a directory object: " + expected);
        }
        if (contains(expected)) {
            return;
        }
        Path target = objectPath(expected);
        Path temporary = temporaryBeside(target);
        try {
            ensureFolder(target.getParent());
            String actual;
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                    FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                actual = FileHasher.copyHashing(in, FileHasher.ChunkWriter.to(out));
            }
            if (expected.name() == HashName.MD5) {
                if (!actual.equals(expected.value())) {
                    throw new SlipwayException(ErrorCode.RESOURCE_CONFLICT, String.format(
                            "'%s' changed while it was being added (md5 %s, then %s); run the command again",
                            source, expected.value(), actual));
                }
            }
            java.util.Optional<FileStamp> stamp = expected.name() == HashName.MD5 ? backdate(temporary) : java.util.Optional.empty();
            publish(temporary, target);
            keepStamp(stamp, target, actual);
            verified.add(expected);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot store '%s' in the cache at '%s': %s", source, target, e.getMessage()), e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /**
     * Reads {@code source} once, hashing it with the DVC 3 rule while copying it to a temporary file
     * in the cache, then publishes the copy under its hash (or drops it if that object exists).
     * Safe to call from several threads at once; usable as a {@link WorkspaceHasher.FileDigester}.
     *
     * @return the md5 of the bytes stored
     * @throws IllegalArgumentException for the legacy rule (new objects are always DVC 3 objects)
     */
    public String ingest(Path source, HashName rule) {
        if (rule != HashName.MD5) {
            throw new IllegalArgumentException("only DVC 3 objects are added to the cache, not " + rule);
        }
        FileHasher fileHasher = hasher.fileHasher();
        ByteBuffer whole = fileHasher.readWhole(source);
        if (whole != null) {
            // a small file: hashed in memory, written straight beside its final name unless already stored
            MessageDigest digest = Md5.newDigest();
            digest.update(whole);
            HashInfo hash = HashInfo.md5(Md5.hex(digest));
            if (!contains(hash)) {
                writeObject(hash, whole.rewind(), source);
            }
            return hash.value();
        }
        Path staging = layoutRoot(HashName.MD5);
        Path temporary = staging.resolve("." + UUID.randomUUID() + ".tmp");
        try {
            ensureFolder(staging);
            String md5;
            md5 = fileHasher.copyThenHash(source, temporary);
            HashInfo hash = HashInfo.md5(md5);
            Path target = objectPath(hash);
            if (!contains(hash)) {
                ensureFolder(target.getParent());
                java.util.Optional<FileStamp> stamp = backdate(temporary);
                publish(temporary, target);
                keepStamp(stamp, target, md5);
            }
            verified.add(hash);
            return md5;
        } catch (SlipwayException e) {
            throw DiskFull.whileStoring(source, root, e).orElse(e);
        } catch (IOException e) {
            throw DiskFull.whileStoring(source, root, e).orElseGet(() -> new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot store '%s' in the cache at '%s': %s", source, root, e.getMessage()), e));
        } finally {
            deleteQuietly(temporary);
        }
    }

    /** Writes {@code length} bytes of {@code bytes} as the object {@code hash}: a read-only temporary file, renamed. */
    private void writeObject(HashInfo hash, ByteBuffer content, Path source) {
        Path target = objectPath(hash);
        Path temporary = temporaryBeside(target);
        boolean published = false;
        try {
            ensureFolder(target.getParent());
            try (FileChannel out = createReadOnly(temporary)) {
                while (content.hasRemaining()) {
                    out.write(content);
                }
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            published = true;
            verified.add(hash);
        } catch (IOException e) {
            throw DiskFull.whileStoring(source, root, e).orElseGet(() -> new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot store '%s' in the cache at '%s': %s", source, target, e.getMessage()), e));
        } finally {
            if (!published) {
                deleteQuietly(temporary);
            }
        }
    }

    /** Creates {@code file} (which must not exist) for writing, with mode 0444 from the start where POSIX modes exist. */
    private static FileChannel createReadOnly(Path file) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(file, options, READ_ONLY_ATTRIBUTE);
        } catch (UnsupportedOperationException e) {
            FileChannel channel = FileChannel.open(file, options);
            file.toFile().setReadOnly();
            return channel;
        }
    }

    /**
     * For a file larger than {@link FileHasher#CHUNK_SIZE}: moves its modification time one second back (so that
     * no later write can leave it unchanged) and returns its stamp; empty for a smaller file, whose hashing
     * costs little next to sending it.
     */
    private static java.util.Optional<FileStamp> backdate(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.size() <= FileHasher.CHUNK_SIZE) {
            return java.util.Optional.empty();
        }
        FileTime written = attributes.lastModifiedTime();
        FileTime earlier = FileTime.from(written.to(TimeUnit.NANOSECONDS) - TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        Files.setLastModifiedTime(file, earlier);
        return java.util.Optional.of(FileStamp.of(file));
    }

    /**
     * The stamp of {@code link}, a hard link just made to a file larger than {@link FileHasher#CHUNK_SIZE}, once
     * no later write can leave its modification time unchanged: as it is if the file was last written at least a second
     * before the link (its status change time, set by the file system's clock when the link was made), else after
     * {@link #backdate} (which only the file's owner may do: empty if refused). Empty for a smaller file.
     */
    private static java.util.Optional<FileStamp> settledStamp(Path link) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(link, BasicFileAttributes.class);
        if (attributes.size() <= FileHasher.CHUNK_SIZE) {
            return java.util.Optional.empty();
        }
        Object changed;
        try {
            changed = Files.getAttribute(link, "unix:ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return java.util.Optional.empty(); // no status change time here: the object is simply not vouched for
        }
        long written = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        if (changed instanceof FileTime linked
                && written <= linked.to(TimeUnit.NANOSECONDS) - TimeUnit.SECONDS.toNanos(1)) {
            return java.util.Optional.of(FileStamp.of(link, attributes));
        }
        try {
            return backdate(link);
        } catch (java.nio.file.FileSystemException e) {
            return java.util.Optional.empty(); // another user's file: not vouched for, hashed when next pushed
        }
    }

    /** Keeps the stamp of a workspace file just placed as the own copy of the (verified) object {@code hash}. */
    private void keepWorkspaceStamp(HashInfo hash, Path file) {
        if (hash.name() == HashName.MD5) {
            try {
                writtenStamps.put(FileStamp.of(file), hash.value());
            } catch (SlipwayException e) {
                // gone already: nothing to remember
            }
        }
    }

    /** Keeps {@code stamp} (taken from the temporary file, which the rename kept) under the object's path. */
    private void keepStamp(java.util.Optional<FileStamp> stamp, Path target, String md5) {
        stamp.ifPresent(written ->
                writtenStamps.put(new FileStamp(target, written.inode(), written.mtimeNanos(), written.size()), md5));
    }

    /**
     * Records in the state cache the stamps of the large objects (see the class comment) and of the workspace
     * copies written since the last call, each with its md5. Call from one thread, after the writing is done.
     */
    public void rememberWrittenFiles() {
        if (writtenStamps.isEmpty()) {
            return;
        }
        Map<FileStamp, String> written = new HashMap<>(writtenStamps);
        writtenStamps.keySet().removeAll(written.keySet());
        hasher.remember(written, HashName.MD5);
    }

    /**
     * The DVC 3 file objects among {@code objects} whose stamp (path, inode, modification time, size) is one the
     * state cache recorded when this class wrote them, with their name as md5: trusted intact without reading
     * them. Objects missing from the cache are left out. Call from one thread.
     */
    public Set<HashInfo> knownIntact(java.util.Collection<HashInfo> objects) {
        Map<FileStamp, HashInfo> candidates = new HashMap<>();
        for (HashInfo object : objects) {
            if (object.name() != HashName.MD5 || object.isDirectory()) {
                continue;
            }
            Path path = objectPath(object);
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                if (attributes.isRegularFile() && attributes.size() > FileHasher.CHUNK_SIZE) {
                    candidates.put(FileStamp.of(path, attributes), object);
                }
            } catch (IOException e) {
                // missing or unreadable: not trusted, and the transfer reports it
            }
        }
        if (candidates.isEmpty()) {
            return Set.of();
        }
        Set<HashInfo> intact = new HashSet<>();
        hasher.recorded(candidates.keySet(), HashName.MD5).forEach((stamp, md5) -> {
            HashInfo object = candidates.get(stamp);
            if (object.value().equals(md5)) {
                intact.add(object);
            }
        });
        return Set.copyOf(intact);
    }

    /** Creates {@code folder} and its parents unless this process already did or saw it. */
    private void ensureFolder(Path folder) throws IOException {
        if (!folders.contains(folder)) {
            Files.createDirectories(folder);
            folders.add(folder);
        }
    }

    /** Writes an object's bytes to a file that does not exist yet (a download, for instance). */
    @FunctionalInterface
    public interface ObjectSource {
        void writeTo(Path target);
    }

    /**
     * Stores the bytes {@code source} writes as the object {@code expected}: they go to a temporary
     * file in the cache, are hashed with the object's rule and are published under its name only if
     * the hash matches. Safe to call from several threads at once.
     *
     * @throws SlipwayException INVALID_STATE naming the object and the hash of what arrived if they
     *     differ (nothing is stored then)
     */
    public void receive(HashInfo expected, ObjectSource source) {
        Path target = objectPath(expected);
        Path temporary = temporaryBeside(target);
        try {
            ensureFolder(target.getParent());
            source.writeTo(temporary);
            String actual = expected.isDirectory()
                    ? Md5.of(Files.readAllBytes(temporary)) + HashInfo.DIR_SUFFIX
                    : hasher.fileHasher().hash(temporary, expected.name());
            if (!actual.equals(expected.value())) {
                throw arrivedCorrupted(expected, actual);
            }
            java.util.Optional<FileStamp> stamp = expected.isDirectory() || expected.name() != HashName.MD5
                    ? java.util.Optional.empty() : backdate(temporary);
            publish(temporary, target);
            keepStamp(stamp, target, actual);
            verified.add(expected);
        } catch (SlipwayException e) {
            throw DiskFull.whileStoring(Path.of(expected.value()), root, e).orElse(e);
        } catch (IOException e) {
            throw cannotReceive(expected, target, e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /** Opens a stream of an object's bytes (from a remote, for instance). */
    @FunctionalInterface
    public interface StreamSource {
        ReadableByteChannel open() throws IOException;
    }

    /**
     * As {@link #receive(HashInfo, ObjectSource)} for a source read as a stream: the bytes are hashed as they
     * are written, so they are read once. Objects named with the legacy rule go through
     * {@link #receive(HashInfo, ObjectSource)}.
     */
    public void receiveStream(HashInfo expected, StreamSource source) {
        receiveStream(expected, source, List.of());
    }

    /**
     * As {@link #receiveStream(HashInfo, StreamSource)}, also copying the object to every file of {@code copies} (new,
     * writable files) in the kernel, so that a checkout can rename them into the workspace. The copies are complete
     * only when this returns; when it throws (the bytes did not match, or a read or write failed) none of them is
     * left, like the object. Copies are only made of DVC 3 file objects; for others {@code copies} is ignored.
     *
     * <p>An object that arrives as a file (from a folder remote) is copied in the kernel, step by step on to the
     * copies, and hashed from the page cache behind the copy; any other stream (S3) is written and hashed behind
     * its writes the same way ({@link FileHasher#writeThenHash}), and copied once its bytes matched.
     */
    public void receiveStream(HashInfo expected, StreamSource source, List<Path> copies) {
        if (expected.name() != HashName.MD5) {
            receive(expected, temporary -> {
                try (InputStream in = java.nio.channels.Channels.newInputStream(source.open())) {
                    Files.copy(in, temporary);
                } catch (IOException e) {
                    throw cannotReceive(expected, temporary, e);
                }
            });
            return;
        }
        Path target = objectPath(expected);
        Path temporary = temporaryBeside(target);
        List<Path> copiesMade = expected.isDirectory() ? List.of() : copies;
        storing(expected, target, temporary, copiesMade, () -> {
            ensureFolder(target.getParent());
            String md5;
            List<Path> copiesLeft; // the copies not written on the way, made once the bytes matched
            try (ReadableByteChannel in = source.open()) {
                if (in instanceof FileChannel file) {
                    md5 = hasher.fileHasher().copyThenHash(file, temporary, copiesMade);
                    copiesLeft = List.of();
                } else {
                    md5 = hasher.fileHasher().writeThenHash(in, temporary);
                    copiesLeft = copiesMade;
                }
            }
            String actual = md5 + (expected.isDirectory() ? HashInfo.DIR_SUFFIX : "");
            if (!actual.equals(expected.value())) {
                throw arrivedCorrupted(expected, actual);
            }
            for (Path copy : copiesLeft) {
                KernelCopy.copy(temporary, copy);
            }
            java.util.Optional<FileStamp> stamp = expected.isDirectory() ? java.util.Optional.empty() : backdate(temporary);
            makeReadOnly(temporary);
            publishVerified(expected, temporary, target, md5, stamp);
            return true;
        });
    }

    /** Something that stores an object from its temporary file; false if it stored nothing and made no copy. */
    @FunctionalInterface
    private interface Storing {
        boolean store() throws IOException;
    }

    /**
     * Runs {@code storing}, which writes or links the object {@code expected} at {@code temporary}, verifies it and
     * publishes it at {@code target}, with its {@code copies}: whatever happens, no temporary file is left, and no copy
     * unless the object was stored; a failure is reported as a full disk where it is one.
     *
     * @return what {@code storing} returned
     */
    private boolean storing(HashInfo expected, Path target, Path temporary, List<Path> copies, Storing storing) {
        boolean received = false;
        try {
            received = storing.store();
            return received;
        } catch (SlipwayException e) {
            throw DiskFull.whileStoring(Path.of(expected.value()), root, e).orElse(e);
        } catch (IOException e) {
            throw DiskFull.whileStoring(Path.of(expected.value()), root, e).orElseGet(() -> cannotReceive(expected, target, e));
        } finally {
            deleteQuietly(temporary);
            if (!received) {
                copies.forEach(LocalCache::deleteQuietly);
            }
        }
    }

    /** Renames {@code temporary}, verified to hash to {@code md5}, to the object's {@code target}, keeping its stamp. */
    private void publishVerified(HashInfo expected, Path temporary, Path target, String md5,
            java.util.Optional<FileStamp> stamp) throws IOException {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        keepStamp(stamp, target, md5);
        verified.add(expected);
    }

    /**
     * As {@link #receiveStream(HashInfo, StreamSource, List)} for a DVC 3 file object that is already a file on the
     * cache's file system ({@code file}, a folder remote's object): the cache takes a hard link to it, as
     * {@code git clone} of a local repository does with its objects, so its bytes are read (to verify them, and to
     * write {@code copies}) but not written a second time. The object, being content-addressed, is never written in
     * place by either side; the link makes it read-only on both. Nothing is done, and false returned, when the link
     * cannot be made: another file system, a file this user may not link or make read-only, a legacy or {@code .dir}
     * object; the caller then copies it.
     *
     * @return whether the object is now in the cache, verified
     * @throws SlipwayException INVALID_STATE if the file's bytes do not match {@code expected} (nothing is stored,
     *     the file is left as it is), as {@link #receiveStream(HashInfo, StreamSource, List)} otherwise
     */
    public boolean receiveLinked(HashInfo expected, Path file, List<Path> copies) {
        if (expected.name() != HashName.MD5 || expected.isDirectory()) {
            return false;
        }
        Path target = objectPath(expected);
        Path temporary = temporaryBeside(target);
        return storing(expected, target, temporary, copies, () -> {
            ensureFolder(target.getParent());
            if (!linkReadOnly(file, temporary)) {
                return false;
            }
            String md5 = hasher.fileHasher().hashWhileCopying(temporary, copies);
            if (!md5.equals(expected.hex())) {
                throw arrivedCorrupted(expected, md5);
            }
            publishVerified(expected, temporary, target, md5, settledStamp(temporary));
            return true;
        });
    }

    /**
     * Makes {@code link} a hard link to {@code file}, read-only for everyone; false (and no link) where that cannot
     * be done.
     */
    private static boolean linkReadOnly(Path file, Path link) {
        try {
            Files.createLink(link, file);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // another file system, links refused, or the file is gone: the copy reports that
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(link);
            if (!permissions.equals(READ_ONLY)) {
                Files.setPosixFilePermissions(link, READ_ONLY); // refused unless this user owns the file
            }
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            deleteQuietly(link);
            return false;
        }
    }

    private static SlipwayException arrivedCorrupted(HashInfo expected, String actual) {
        return new SlipwayException(ErrorCode.INVALID_STATE, String.format(
                "Object '%s' arrived corrupted: its content hashes to %s; it was not put in the cache",
                expected.value(), actual));
    }

    private static SlipwayException cannotReceive(HashInfo expected, Path target, IOException e) {
        return new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                "Cannot store object '%s' in the cache at '%s': %s", expected.value(), target, e.getMessage()), e);
    }

    /** Every object in the cache, in both layouts ({@code .tmp} leftovers and other files excluded). */
    public List<HashInfo> objects() {
        List<HashInfo> found = new java.util.ArrayList<>();
        collect(layoutRoot(HashName.MD5), HashName.MD5, found);
        collect(layoutRoot(HashName.MD5_DOS2UNIX), HashName.MD5_DOS2UNIX, found);
        return List.copyOf(found);
    }

    /** An object whose bytes no longer hash to its name. */
    public record Corruption(HashInfo hash, Path path, String actualMd5) {
        public Corruption {
            requireNonNull(hash, "hash is null");
            requireNonNull(path, "path is null");
            requireNonNull(actualMd5, "actualMd5 is null");
        }
    }

    /** What {@link #verifyAll} found: how many objects it re-hashed and which are corrupted. */
    public record Verification(int checked, List<Corruption> corrupted) {
        public Verification {
            corrupted = List.copyOf(corrupted);
        }
    }

    /**
     * Re-reads and re-hashes every object of the cache (both layouts, {@code .dir} objects by the md5
     * of their bytes), on up to {@code threads} threads (DVC 3 objects eight at a time on the native MD5 kernel where
     * it runs, {@link WorkspaceHasher#hashInShares}), bypassing the state cache so every byte is read. Removes and
     * changes nothing.
     *
     * @return the corrupted objects, sorted by path
     * @throws SlipwayException INTERNAL_ERROR naming an object that cannot be read
     */
    public Verification verifyAll(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        List<HashInfo> objects = objects();
        FileHasher fileHasher = hasher.fileHasher();
        // DVC 3 objects in shares, eight at a time on the native MD5 kernel where it runs; legacy ones (DVC 2's rule)
        // one at a time on this pool meanwhile
        List<HashInfo> current = objects.stream().filter(hash -> hash.name() == HashName.MD5).toList();
        List<HashInfo> legacy = objects.stream().filter(hash -> hash.name() != HashName.MD5).toList();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(threads, Math.max(1, legacy.size())), runnable -> {
                    Thread thread = new Thread(runnable, "slipway-verify");
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            List<java.util.concurrent.Future<java.util.Optional<Corruption>>> results = new java.util.ArrayList<>();
            for (HashInfo hash : legacy) {
                results.add(pool.submit(() -> {
                    Path path = objectPath(hash);
                    return corruption(hash, path, fileHasher.hash(path, hash.name()));
                }));
            }
            List<Path> paths = current.stream().map(this::objectPath).toList();
            List<String> actual = hasher.hashInShares(paths, threads, index -> { });
            List<Corruption> corrupted = new java.util.ArrayList<>();
            for (int index = 0; index < current.size(); index++) {
                corruption(current.get(index), paths.get(index), actual.get(index)).ifPresent(corrupted::add);
            }
            for (var result : results) {
                result.get().ifPresent(corrupted::add);
            }
            corrupted.sort(java.util.Comparator.comparing(corruption -> corruption.path().toString()));
            return new Verification(objects.size(), corrupted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Interrupted while verifying the cache", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SlipwayException slipway) {
                throw slipway;
            }
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot verify the cache at '%s': %s", root, e.getCause()), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The object's corruption when its bytes hash to {@code actual} (no {@code .dir} suffix) instead of its name. */
    private static java.util.Optional<Corruption> corruption(HashInfo hash, Path path, String actual) {
        String expected = hash.isDirectory()
                ? hash.value().substring(0, hash.value().length() - HashInfo.DIR_SUFFIX.length()) : hash.value();
        return actual.equals(expected) ? java.util.Optional.empty()
                : java.util.Optional.of(new Corruption(hash, path, actual));
    }

    /** Removes the object {@code hash} from the cache; absent is not an error. */
    public void remove(HashInfo hash) {
        verified.remove(hash);
        try {
            Files.deleteIfExists(objectPath(hash));
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot remove '%s' from the cache: %s", objectPath(hash), e.getMessage()), e);
        }
    }

    private static void collect(Path base, HashName rule, List<HashInfo> found) {
        if (!Files.isDirectory(base)) {
            return;
        }
        try (var prefixes = Files.list(base)) {
            for (Path prefix : prefixes.filter(Files::isDirectory).toList()) {
                String two = prefix.getFileName().toString();
                if (!two.matches("[0-9a-f]{2}")) {
                    continue;
                }
                try (var objects = Files.list(prefix)) {
                    for (Path object : objects.filter(Files::isRegularFile).toList()) {
                        String value = two + object.getFileName();
                        if (value.matches("[0-9a-f]{32}(\\.dir)?")) {
                            found.add(new HashInfo(rule, value));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot list the cache at '%s': %s", base, e.getMessage()), e);
        }
    }

    /** Stores a directory listing as its {@code .dir} object and returns its name. */
    public HashInfo storeListing(DirectoryListing listing, HashName rule) {
        HashInfo hash = new HashInfo(rule, listing.hash());
        Path target = objectPath(hash);
        if (contains(hash)) {
            return hash;
        }
        Path temporary = temporaryBeside(target);
        try {
            ensureFolder(target.getParent());
            Files.write(temporary, listing.toBytes());
            publish(temporary, target);
            verified.add(hash);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot write the directory object '%s': %s", target, e.getMessage()), e);
        } finally {
            deleteQuietly(temporary);
        }
        return hash;
    }

    /**
     * Reads and verifies a {@code .dir} object.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if it is not in the cache, INVALID_STATE if it
     *     is corrupted
     */
    public DirectoryListing readListing(HashInfo hash) {
        if (!hash.isDirectory()) {
            throw new IllegalArgumentException("not a directory object: " + hash);
        }
        Path path = requirePresent(hash);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read the directory object '%s': %s", path, e.getMessage()), e);
        }
        String actual = Md5.of(bytes) + HashInfo.DIR_SUFFIX;
        if (!actual.equals(hash.value())) {
            throw corrupted(hash, path, actual);
        }
        return DirectoryListing.parse(bytes, path.toString());
    }

    /**
     * Checks that the object's bytes still hash to its name (for a {@code .dir}, also every object it
     * lists).
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if an object is missing, INVALID_STATE naming
     *     the object and both hashes if it is corrupted
     */
    public void verify(HashInfo hash) {
        verify(hash, false);
    }

    /**
     * As {@link #verify(HashInfo)}, except that with {@code trustOwnWrites} the objects this instance wrote or
     * received since {@link #forget()} (hashing their bytes as it did) are not read again.
     */
    void verify(HashInfo hash, boolean trustOwnWrites) {
        if (trustOwnWrites && verified.contains(hash)) {
            return;
        }
        if (hash.isDirectory()) {
            List<HashInfo> listed = new java.util.ArrayList<>();
            for (DirectoryListing.Entry entry : readListing(hash).entries()) {
                HashInfo object = new HashInfo(hash.name(), entry.md5());
                if (!trustOwnWrites || !verified.contains(object)) {
                    listed.add(object);
                }
            }
            verifyFiles(listed);
            return;
        }
        verifyFiles(List.of(hash));
    }

    /** Verifies file objects in one batch: the state cache answers for those it knows, the rest are read in parallel. */
    private void verifyFiles(List<HashInfo> objects) {
        if (objects.isEmpty()) {
            return;
        }
        HashName rule = objects.get(0).name();
        java.util.Map<HashInfo, FileStamp> stamps = new java.util.LinkedHashMap<>();
        for (HashInfo object : objects) {
            if (object.name() != rule) {
                throw new IllegalArgumentException("objects of one batch share a hash rule: " + objects);
            }
            stamps.put(object, FileStamp.of(requirePresent(object)));
        }
        java.util.Map<FileStamp, String> actual = hasher.hashAll(List.copyOf(stamps.values()), rule);
        for (java.util.Map.Entry<HashInfo, FileStamp> entry : stamps.entrySet()) {
            String md5 = actual.get(entry.getValue());
            if (!md5.equals(entry.getKey().value())) {
                throw corrupted(entry.getKey(), entry.getValue().path(), md5);
            }
        }
    }

    /**
     * Checks that the file object {@code hash} still hashes to its name, reading every byte (the state
     * cache is not consulted, so this is safe to call from several threads at once).
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if it is missing, INVALID_STATE naming the object
     *     and both hashes if it is corrupted
     */
    public void verifyContent(HashInfo hash) {
        if (hash.isDirectory()) {
            throw new IllegalArgumentException("not a file object: " + hash);
        }
        Path path = requirePresent(hash);
        String actual = hasher.fileHasher().hash(path, hash.name());
        if (!actual.equals(hash.value())) {
            throw corrupted(hash, path, actual);
        }
    }

    /**
     * Verifies the object {@code hash} and puts it at {@code target} with the first link type in
     * {@code order} that works here, replacing whatever was at {@code target}. For a {@code .dir}
     * object every listed file is verified before any is placed.
     *
     * @return the link type used (for a folder: the one used for its last file; COPY for an empty one)
     * @throws SlipwayException INVALID_STATE if an object is corrupted, RESOURCE_DOES_NOT_EXIST if one
     *     is missing, INTERNAL_ERROR if no link type in {@code order} works
     */
    public LinkType checkout(HashInfo hash, Path target, List<LinkType> order) {
        requireNonNull(target, "target is null");
        if (order.isEmpty()) {
            throw SlipwayException.invalidParameter("No link type to check out '%s' with", target);
        }
        verify(hash);
        if (!hash.isDirectory()) {
            return link(hash, target, order);
        }
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot create folder '%s': %s", target, e.getMessage()), e);
        }
        java.util.Map<Path, HashInfo> placements = new java.util.LinkedHashMap<>();
        for (DirectoryListing.Entry entry : readListing(hash).entries()) {
            Path file = target.resolve(entry.relpath());
            if (!file.normalize().startsWith(target.normalize())) {
                throw new SlipwayException(ErrorCode.INVALID_STATE, String.format(
                        "Directory object '%s' lists '%s', which is outside the folder", hash.value(), entry.relpath()));
            }
            placements.put(file, new HashInfo(hash.name(), entry.md5()));
        }
        return linkAll(placements, order);
    }

    /**
     * Places each object at its path (already verified) with {@link #link}, on as many threads as there are
     * cores.
     *
     * @return the link type used for the last file placed (COPY when there is none)
     */
    LinkType linkAll(java.util.Map<Path, HashInfo> placements, List<LinkType> order) {
        if (placements.size() <= 1) {
            LinkType used = LinkType.COPY;
            for (java.util.Map.Entry<Path, HashInfo> placement : placements.entrySet()) {
                used = link(placement.getValue(), placement.getKey(), order);
            }
            return used;
        }
        int threads = Math.min(placements.size(), Runtime.getRuntime().availableProcessors());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads,
                runnable -> {
                    Thread thread = new Thread(runnable, "slipway-checkout");
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            List<java.util.concurrent.Future<LinkType>> results = new java.util.ArrayList<>(placements.size());
            for (java.util.Map.Entry<Path, HashInfo> placement : placements.entrySet()) {
                results.add(pool.submit(() -> link(placement.getValue(), placement.getKey(), order)));
            }
            LinkType used = LinkType.COPY;
            for (java.util.concurrent.Future<LinkType> result : results) {
                used = result.get();
            }
            return used;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Interrupted while checking out files", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SlipwayException slipway) {
                throw slipway;
            }
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Checkout failed: " + e.getCause(), e.getCause());
        } finally {
            WorkerPools.stopAndAwait(pool);
        }
    }

    /**
     * Whether {@link #link} with {@code order} makes its own copy of each object (REFLINK where clones fail
     * here, or COPY) rather than a link: then a copy written as the object arrives can take its place. Tries a
     * clone once in this cache to find out when REFLINK comes first.
     */
    public boolean placesCopies(List<LinkType> order) {
        for (LinkType type : order) {
            switch (type) {
                case REFLINK -> {
                    if (!reflinkFailed && !reflinkWorksHere()) {
                        reflinkFailed = true;
                    }
                    if (!reflinkFailed) {
                        return false;
                    }
                }
                case COPY -> {
                    return true;
                }
                case HARDLINK, SYMLINK -> {
                    return false;
                }
            }
        }
        return false;
    }

    private boolean reflinkWorksHere() {
        Path probe = null;
        Path clone = null;
        try {
            ensureFolder(root);
            probe = temporaryBeside(root.resolve("probe"));
            clone = temporaryBeside(root.resolve("probe"));
            Files.write(probe, new byte[] {1});
            return reflink(probe, clone);
        } catch (IOException e) {
            return false;
        } finally {
            if (probe != null) {
                deleteQuietly(probe);
                deleteQuietly(clone);
            }
        }
    }

    /**
     * A new, unique file name in {@code folder} for a copy of an object that {@link #link} will move to
     * {@code target} instead of placing the object there itself; the caller writes the file (see
     * {@link #receiveStream(HashInfo, StreamSource, List)}). {@link #discardStagedCopies()} removes those never placed.
     */
    public Path stageCopy(Path target, Path folder) {
        Path copy = folder.resolve(UUID.randomUUID() + ".tmp");
        stagedCopies.put(target.toAbsolutePath().normalize(), copy);
        return copy;
    }

    /** Deletes the staged copies that {@link #link} did not place, and forgets them. */
    public void discardStagedCopies() {
        for (Path copy : stagedCopies.values()) {
            deleteQuietly(copy);
        }
        stagedCopies.clear();
    }

    /**
     * Moves the staged copy of {@code target}, if one was completed, into place (writable, as a COPY is).
     *
     * @return whether it did
     */
    private boolean placeStagedCopy(Path target) {
        Path copy = stagedCopies.remove(target.toAbsolutePath().normalize());
        if (copy == null || !Files.isRegularFile(copy)) {
            return false;
        }
        try {
            Files.move(copy, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            deleteQuietly(copy); // another file system, say: the object is copied as usual
            return false;
        }
    }

    /**
     * Places the object {@code hash} at {@code target} with the first link type of {@code order} that works (or
     * its staged copy, see {@link #stageCopy}); the stamp of an own copy (COPY, REFLINK) of a DVC 3 object is kept
     * for {@link #rememberWrittenFiles()}, so that the next status need not read it.
     */
    LinkType link(HashInfo hash, Path target, List<LinkType> order) {
        Path object = objectPath(hash);
        IOException last = null;
        try {
            ensureFolder(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot create the folder of '%s': %s", target, e.getMessage()), e);
        }
        if (!stagedCopies.isEmpty() && placeStagedCopy(target)) {
            keepWorkspaceStamp(hash, target);
            return LinkType.COPY;
        }
        for (LinkType type : order) {
            if (type == LinkType.REFLINK && reflinkFailed) {
                continue;
            }
            Path temporary = temporaryBeside(target.toAbsolutePath());
            boolean placed = false;
            try {
                boolean made = switch (type) {
                    case REFLINK -> reflink(object, temporary);
                    case HARDLINK -> {
                        Files.createLink(temporary, object);
                        yield true;
                    }
                    case SYMLINK -> {
                        Files.createSymbolicLink(temporary, object);
                        yield true;
                    }
                    case COPY -> {
                        KernelCopy.copy(object, temporary);
                        yield true;
                    }
                };
                if (!made) {
                    if (type == LinkType.REFLINK) {
                        reflinkFailed = true;
                    }
                    continue;
                }
                if (type == LinkType.REFLINK) {
                    makeWritable(temporary);
                }
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                placed = true;
                if (type == LinkType.COPY || type == LinkType.REFLINK) {
                    keepWorkspaceStamp(hash, target);
                }
                return type;
            } catch (IOException | UnsupportedOperationException e) {
                last = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            } finally {
                if (!placed) {
                    deleteQuietly(temporary);
                }
            }
        }
        throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                "Cannot place '%s' with any of the link types %s%s", target, order,
                last == null ? "" : ": " + last.getMessage()), last);
    }

    /**
     * A copy-on-write clone: through the data module's native library where it is loaded (Linux), else through
     * {@code cp}, which knows each platform's clone call.
     */
    private static boolean reflink(Path object, Path target) throws IOException {
        Optional<Boolean> cloned = LaneMd5.reflink(object, target);
        if (cloned.isPresent()) {
            return cloned.get();
        }
        boolean mac = System.getProperty("os.name", "").toLowerCase().contains("mac");
        List<String> command = mac
                ? List.of("cp", "-c", object.toString(), target.toString())
                : List.of("cp", "--reflink=always", object.toString(), target.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return false;
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while cloning " + object, e);
        }
        return process.exitValue() == 0 && Files.exists(target);
    }

    private Path requirePresent(HashInfo hash) {
        Path path = objectPath(hash);
        if (!Files.isRegularFile(path)) {
            throw SlipwayException.notFound("Object '%s' is not in the cache (expected at '%s')", hash.value(), path);
        }
        return path;
    }

    /** The error for the object {@code hash} of this cache whose bytes hash to {@code actual}. */
    SlipwayException corruptedObject(HashInfo hash, String actual) {
        return corrupted(hash, objectPath(hash), actual);
    }

    private static SlipwayException corrupted(HashInfo hash, Path path, String actual) {
        return new SlipwayException(ErrorCode.INVALID_STATE, String.format(
                "Cache object '%s' is corrupted: its content hashes to %s; it will not be checked out", path, actual));
    }

    private static void publish(Path temporary, Path target) throws IOException {
        makeReadOnly(temporary);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // another process stored the same content first; content addressing makes it identical
        }
    }

    private static Path temporaryBeside(Path target) {
        return target.resolveSibling("." + UUID.randomUUID() + ".tmp");
    }

    private static void makeReadOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, READ_ONLY);
        } catch (UnsupportedOperationException e) {
            file.toFile().setReadOnly();
        }
    }

    private static void makeWritable(Path file) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            permissions.add(PosixFilePermission.OWNER_WRITE);
            Files.setPosixFilePermissions(file, permissions);
        } catch (UnsupportedOperationException e) {
            file.toFile().setWritable(true, true);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stray .tmp file is harmless; gc removes it
        }
    }
}
