package dev.slipway.server;

import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The JVM's own series on {@code /metrics}: heap used and committed, heap still used after the last collection (the
 * figure that shows a leak: it grows only when live data grows), live threads, and process CPU time. Thread-safe.
 */
final class JvmMetrics implements RequestMetrics.Collector {
    /** The names of the heap's memory pools, which are fixed for the life of the JVM. */
    private static final Set<String> HEAP_POOLS = heapPools();

    @Override
    public void appendTo(StringBuilder out) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long afterCollection = heapAfterLastCollection();
        gauge(out, "jvm_memory_heap_used_bytes", "Heap in use now.", heap.getUsed());
        gauge(out, "jvm_memory_heap_committed_bytes", "Heap committed by the JVM.", heap.getCommitted());
        gauge(out, "jvm_memory_heap_after_gc_bytes", "Heap in use just after the latest collection.", afterCollection);
        gauge(out, "jvm_threads_live", "Live threads.", ManagementFactory.getThreadMXBean().getThreadCount());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            out.append("# HELP process_cpu_seconds_total CPU time of the server process.\n");
            out.append("# TYPE process_cpu_seconds_total counter\n");
            out.append("process_cpu_seconds_total ").append(os.getProcessCpuTime() / 1e9).append('\n');
        }
    }

    /**
     * The heap in use just after the latest collection of any collector (young or old): the live data plus what was
     * promoted and not yet collected. Each memory pool's own "collection usage" is no good for this: G1 updates the
     * old generation's only after a mixed or full collection, so it stays 0 through a run of young collections.
     */
    private static long heapAfterLastCollection() {
        GcInfo latest = null;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof com.sun.management.GarbageCollectorMXBean withInfo) {
                GcInfo info = withInfo.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return 0;
        }
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : latest.getMemoryUsageAfterGc().entrySet()) {
            if (HEAP_POOLS.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }

    private static Set<String> heapPools() {
        Set<String> names = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                names.add(pool.getName());
            }
        }
        return Set.copyOf(names);
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(value).append('\n');
    }
}
