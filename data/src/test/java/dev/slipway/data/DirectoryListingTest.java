package dev.slipway.data;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DirectoryListingTest {
    private static final String MD5_FOO = "acbd18db4cc2f85cedef654fccc4a4d8";
    private static final String MD5_BAR = "37b51d194a7513e45b56f6524f2d51f2";

    @Test
    void reproducesDvcDataPublishedHashForFooAndBar() {
        DirectoryListing listing = new DirectoryListing(List.of(
                new DirectoryListing.Entry("foo", MD5_FOO), new DirectoryListing.Entry("bar", MD5_BAR)));

        assertThat(new String(listing.toBytes(), US_ASCII)).isEqualTo(
                "[{\"md5\": \"37b51d194a7513e45b56f6524f2d51f2\", \"relpath\": \"bar\"}, "
                        + "{\"md5\": \"acbd18db4cc2f85cedef654fccc4a4d8\", \"relpath\": \"foo\"}]");
        assertThat(listing.hash()).isEqualTo("5ea40360f5b4ec688df672a4db9c17d1.dir");
    }

    @Test
    void reproducesDvcDataPublishedHashForNewlineTerminatedFiles() {
        DirectoryListing listing = new DirectoryListing(List.of(
                new DirectoryListing.Entry("baz", "258622b1688250cb619f3c9ccaefb7eb"),
                new DirectoryListing.Entry("bar", "c157a79031e1c40f85931829bc5fc552")));

        assertThat(listing.hash()).isEqualTo("1f69c66028c35037e8bf67e5bc4ceb6a.dir");
    }

    @Test
    void reproducesDvcDataPublishedHashForAnEmptyFolder() {
        DirectoryListing listing = new DirectoryListing(List.of());

        assertThat(new String(listing.toBytes(), US_ASCII)).isEqualTo("[]");
        assertThat(listing.hash()).isEqualTo("d751713988987e9331980363e24189ce.dir");
    }

    @Test
    void sortsByCodePointSoSubTxtComesBeforeSubFolder() {
        DirectoryListing listing = new DirectoryListing(List.of(
                new DirectoryListing.Entry("sub/x", MD5_FOO),
                new DirectoryListing.Entry("sub.txt", MD5_FOO),
                new DirectoryListing.Entry("a", MD5_FOO),
                new DirectoryListing.Entry("B", MD5_FOO)));

        assertThat(listing.entries()).extracting(DirectoryListing.Entry::relpath)
                .containsExactly("B", "a", "sub.txt", "sub/x");
    }

    @Test
    void sortsNonBmpCharactersByCodePointNotByUtf16() {
        // U+FF5E sorts before U+1F600 by code point, after it by UTF-16 (0xD83D < 0xFF5E)
        String fullwidth = "\uFF5E";
        String emoji = "\uD83D\uDE00";
        assertThat(emoji.compareTo(fullwidth)).isNegative();

        DirectoryListing listing = new DirectoryListing(List.of(
                new DirectoryListing.Entry(emoji, MD5_FOO), new DirectoryListing.Entry(fullwidth, MD5_BAR)));

        assertThat(listing.entries()).extracting(DirectoryListing.Entry::relpath).containsExactly(fullwidth, emoji);
    }

    @Test
    void escapesLikePythonJsonDumpsWithEnsureAscii() {
        DirectoryListing listing = new DirectoryListing(List.of(
                new DirectoryListing.Entry("\u00e9/\uD83D\uDE00\u007f\"\\\n\t</>&'=", MD5_FOO)));

        // reference output of Python 3: json.dumps([...], sort_keys=True)
        assertThat(new String(listing.toBytes(), US_ASCII)).isEqualTo(
                "[{\"md5\": \"acbd18db4cc2f85cedef654fccc4a4d8\", "
                        + "\"relpath\": \"\\u00e9/\\ud83d\\ude00\\u007f\\\"\\\\\\n\\t</>&'=\"}]");
    }

    @Test
    void parsesWhatItWritesBack() {
        DirectoryListing listing = new DirectoryListing(List.of(
                new DirectoryListing.Entry("sub/" + Fixtures.UNICODE_NAME, MD5_FOO),
                new DirectoryListing.Entry("sub.txt", MD5_BAR)));

        assertThat(DirectoryListing.parse(listing.toBytes(), "x.dir")).isEqualTo(listing);
    }

    @Test
    void parseRejectsEntriesWithMetadataBesideTheHash() {
        byte[] bytes = "[{\"md5\": \"acbd18db4cc2f85cedef654fccc4a4d8\", \"relpath\": \"a\", \"size\": 3}]"
                .getBytes(US_ASCII);

        assertThatThrownBy(() -> DirectoryListing.parse(bytes, "objects/ab/cd.dir"))
                .hasMessageContaining("objects/ab/cd.dir").hasMessageContaining("entry 0");
    }

    @Test
    void parseRejectsSomethingThatIsNotAList() {
        assertThatThrownBy(() -> DirectoryListing.parse("{}".getBytes(US_ASCII), "bad.dir"))
                .hasMessageContaining("bad.dir").hasMessageContaining("list");
    }

    @Test
    void rejectsRelpathsThatLeaveTheFolder() {
        assertThatThrownBy(() -> new DirectoryListing.Entry("sub/../../etc/passwd", MD5_FOO))
                .hasMessageContaining("sub/../../etc/passwd");
    }

    @Test
    void rejectsDuplicateRelpaths() {
        assertThatThrownBy(() -> new DirectoryListing(List.of(
                new DirectoryListing.Entry("a", MD5_FOO), new DirectoryListing.Entry("a", MD5_BAR))))
                .hasMessageContaining("'a'");
    }
}
