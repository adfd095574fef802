package dev.slipway.serving;

import dev.slipway.core.SlipwayException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The share of requests a canary answers, in hundredths of a percent. A request with a key is routed by a hash of
 * the key (FNV-1a over its UTF-8 bytes, modulo 10,000), so the same key always gets the same variant and raising
 * the percentage only moves keys from stable to canary; a request without a key is routed at random.
 *
 * @param basisPoints the canary's share in hundredths of a percent, 0 to 10,000
 */
public record TrafficSplit(int basisPoints) {
    public static final int BUCKETS = 10_000;
    private static final int FNV_OFFSET_BASIS = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    public TrafficSplit {
        if (basisPoints < 0 || basisPoints > BUCKETS) {
            throw SlipwayException.invalidParameter("Canary share must be between 0 and 10000 basis points, got %d",
                    basisPoints);
        }
    }

    /**
     * The split for a percentage, rounded to hundredths of a percent.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE unless 0 <= percent <= 100
     */
    public static TrafficSplit of(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw SlipwayException.invalidParameter("Canary percent must be between 0 and 100, got %s", percent);
        }
        return new TrafficSplit((int) Math.round(percent * 100));
    }

    public double percent() {
        return basisPoints / 100.0;
    }

    /** Whether the request goes to the canary: by the key's bucket when there is a key, else at random. */
    public boolean toCanary(Optional<String> requestKey) {
        if (basisPoints == 0) {
            return false;
        }
        if (basisPoints == BUCKETS) {
            return true;
        }
        int bucket = requestKey.isPresent() ? bucket(requestKey.get()) : ThreadLocalRandom.current().nextInt(BUCKETS);
        return bucket < basisPoints;
    }

    /** The key's bucket, 0 to 9,999: FNV-1a (32 bit) of its UTF-8 bytes, unsigned, modulo 10,000. */
    public static int bucket(String requestKey) {
        int hash = FNV_OFFSET_BASIS;
        for (byte b : requestKey.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return Integer.remainderUnsigned(hash, BUCKETS);
    }
}
