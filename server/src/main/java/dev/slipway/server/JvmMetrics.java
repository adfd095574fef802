package dev.slipway.server;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * The JVM's own series on {@code /metrics}: heap used and committed, heap still used after the last collection (the
 * figure that shows a leak: it grows only when live data grows), live threads, and process CPU time. Thread-safe.
 */
final class JvmMetrics implements RequestMetrics.Collector {
    @Override
    public void appendTo(StringBuilder out) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long afterCollection = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage collected = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (collected != null) {
                afterCollection += collected.getUsed();
            }
        }
        gauge(out, "jvm_memory_heap_used_bytes", "Heap in use now.", heap.getUsed());
        gauge(out, "jvm_memory_heap_committed_bytes", "Heap committed by the JVM.", heap.getCommitted());
        gauge(out, "jvm_memory_heap_after_gc_bytes", "Heap still in use after each pool's last collection.", afterCollection);
        gauge(out, "jvm_threads_live", "Live threads.", ManagementFactory.getThreadMXBean().getThreadCount());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            out.append("# HELP process_cpu_seconds_total CPU time of the server process.\n");
            out.append("# TYPE process_cpu_seconds_total counter\n");
            out.append("process_cpu_seconds_total ").append(os.getProcessCpuTime() / 1e9).append('\n');
        }
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(value).append('\n');
    }
}
