package dev.slipway.core.artifacts;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Multipart uploads whose parts go from the client straight to the store, as MLflow's proxied multipart upload does:
 * {@link #create} starts an upload of a file and hands out one URL per part, the client PUTs each part's bytes to its
 * URL (sending the part's headers) and keeps the ETag the store answers, and {@link #complete} joins the parts into the
 * file. Until then the file is not visible; {@link #abort} discards the parts. An {@link ArtifactRepository} offers
 * this through {@link ArtifactRepository#multipartUploads()} when its store can; paths follow that repository's rules.
 *
 * <p>Implementations are thread-safe. Uploads are held by the store, not by the implementation, so an upload created
 * through one instance can be completed through another on the same store.
 */
public interface MultipartUploads {
    /** The most parts an upload has, and the highest part number (S3's limit). */
    int MAX_PARTS = 10_000;

    /**
     * Starts an upload of the file at the path.
     *
     * @param partCount the number of parts the client will send, 1 to {@link #MAX_PARTS}
     * @return the upload id and one URL per part, numbered 1 to {@code partCount}
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a part count out of range or an invalid path
     */
    Upload create(String path, int partCount) throws IOException;

    /**
     * Joins the uploaded parts, in part-number order, into the file at the path, replacing any file there.
     *
     * @param parts every part to join, each with the ETag the store answered to its PUT; in any order
     * @throws SlipwayException INVALID_PARAMETER_VALUE for an empty list, a repeated or out-of-range part number, or
     *     parts the store refuses (a wrong ETag, a part that was never sent); RESOURCE_DOES_NOT_EXIST for an upload id
     *     the store does not know at that path (never created, completed or aborted)
     */
    void complete(String path, String uploadId, List<UploadedPart> parts) throws IOException;

    /**
     * Discards the upload and the parts sent so far; the file at the path, if any, stays as it was.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for an upload id the store does not know at that path
     */
    void abort(String path, String uploadId) throws IOException;

    /**
     * The part count, checked.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE unless it is 1 to {@link #MAX_PARTS}
     */
    static int checkPartCount(long partCount) {
        if (partCount < 1 || partCount > MAX_PARTS) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'num_parts': a multipart upload "
                    + "has 1 to %d parts", partCount, MAX_PARTS);
        }
        return (int) partCount;
    }

    /**
     * The parts sorted by part number, checked.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for an empty list or a part number given twice
     */
    static List<UploadedPart> checkParts(List<UploadedPart> parts) {
        requireNonNull(parts, "parts is null");
        if (parts.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter 'parts': give every "
                    + "uploaded part with its part_number and etag");
        }
        Set<Integer> seen = new HashSet<>();
        for (UploadedPart part : parts) {
            if (!seen.add(part.partNumber())) {
                throw SlipwayException.invalidParameter("Invalid value for parameter 'parts': part_number %d is "
                        + "given more than once", part.partNumber());
            }
        }
        List<UploadedPart> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparingInt(UploadedPart::partNumber));
        return List.copyOf(sorted);
    }

    /**
     * A started upload.
     *
     * @param uploadId the store's id of the upload, to give to {@link #complete} or {@link #abort}
     * @param parts one URL per part, by ascending part number
     */
    record Upload(String uploadId, List<PartUrl> parts) {
        public Upload {
            requireNonNull(uploadId, "uploadId is null");
            parts = List.copyOf(requireNonNull(parts, "parts is null"));
        }
    }

    /**
     * Where to PUT one part's bytes.
     *
     * @param partNumber 1 to {@link #MAX_PARTS}
     * @param url a URL the client PUTs the part to, with no other credentials; it expires
     * @param headers headers the PUT must carry besides those of any HTTP request; usually none
     */
    record PartUrl(int partNumber, URI url, Map<String, String> headers) {
        public PartUrl {
            checkPartNumber(partNumber);
            requireNonNull(url, "url is null");
            headers = Map.copyOf(requireNonNull(headers, "headers is null"));
        }
    }

    /**
     * A part the client has sent.
     *
     * @param partNumber 1 to {@link #MAX_PARTS}
     * @param etag the ETag header the store answered to the part's PUT, as given (quotes included)
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a part number out of range or an empty ETag
     */
    record UploadedPart(int partNumber, String etag) {
        public UploadedPart {
            checkPartNumber(partNumber);
            requireNonNull(etag, "etag is null");
            if (etag.isBlank()) {
                throw SlipwayException.invalidParameter("Missing value for parameter 'etag' of part %d: give the "
                        + "ETag header the store answered to the part's PUT", partNumber);
            }
        }
    }

    private static void checkPartNumber(long partNumber) {
        if (partNumber < 1 || partNumber > MAX_PARTS) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'part_number': part numbers are "
                    + "1 to %d", partNumber, MAX_PARTS);
        }
    }
}
