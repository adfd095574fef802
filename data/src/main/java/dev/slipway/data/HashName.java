package dev.slipway.data;

/**
 * The hash rules an output entry can be recorded with.
 *
 * <p>{@link #MD5} is DVC 3's rule (MD5 of the raw bytes, marked {@code hash: md5} in a {@code .dvc}
 * file, cached under {@code files/md5/}). {@link #MD5_DOS2UNIX} is DVC 2's legacy rule, used for
 * entries without a {@code hash:} key: text files are hashed with CRLF turned into LF; such objects
 * live in the legacy cache layout.
 */
public enum HashName {
    MD5("md5"),
    MD5_DOS2UNIX("md5-dos2unix");

    private final String dvcName;

    HashName(String dvcName) {
        this.dvcName = dvcName;
    }

    /** The name DVC uses internally for this rule. */
    public String dvcName() {
        return dvcName;
    }
}
