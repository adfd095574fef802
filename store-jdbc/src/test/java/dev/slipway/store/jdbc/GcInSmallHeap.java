package dev.slipway.store.jdbc;

import dev.slipway.core.gc.GarbageCollector;
import dev.slipway.core.gc.GcListener;
import dev.slipway.core.gc.GcRequest;
import dev.slipway.core.gc.GcSummary;
import dev.slipway.core.gc.TrackingPurger;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code slipway gc} on the store at {@code args[0]} with the production chunk size, in the JVM
 * {@link SqliteLargeRunGcTest} starts with a small heap. Prints what it removed, the largest chunk and the peak heap.
 */
final class GcInSmallHeap {
    private GcInSmallHeap() {}

    public static void main(String[] args) {
        long[] largestChunk = {0};
        GcSummary summary;
        try (TrackingPurger purger = new JdbcTrackingPurgerFactory().open(args[0])) {
            summary = new GarbageCollector(purger, new MemoryArtifacts().repositories(), Clock.systemUTC(),
                    "small-heap", Duration.ofMinutes(10)).collect(new GcRequest(Optional.empty(), List.of(), List.of(),
                    false), new GcListener() {
                        @Override
                        public void rowsDeleted(String table, long rows) {
                            largestChunk[0] = Math.max(largestChunk[0], rows);
                        }
                    });
        }
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("runs=" + summary.runs() + " metrics=" + summary.rowsByTable().get("metrics")
                + " largestChunk=" + largestChunk[0] + " maxHeap=" + Runtime.getRuntime().maxMemory()
                + " peakHeap=" + peakHeap);
    }
}
