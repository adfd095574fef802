package dev.slipway.store.jdbc;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves one millisecond forward at every reading, so that times are distinct and ordered. */
final class SteppingClock extends Clock {
    private final AtomicLong millis;
    private final ZoneId zone;

    SteppingClock() {
        this(new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli()), ZoneOffset.UTC);
    }

    private SteppingClock(AtomicLong millis, ZoneId zone) {
        this.millis = millis;
        this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new SteppingClock(millis, newZone);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
        return millis.incrementAndGet();
    }
}
