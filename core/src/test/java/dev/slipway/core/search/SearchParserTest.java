package dev.slipway.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SearchParserTest {
    private static List<Comparison> parse(String filter) {
        return SearchParser.parseFilter(Optional.of(filter));
    }

    @Test
    void emptyOrBlankFilterHasNoClauses() {
        assertThat(SearchParser.parseFilter(Optional.empty())).isEmpty();
        assertThat(parse("   ")).isEmpty();
    }

    @Test
    void parsesMetricComparisonWithNumber() {
        assertThat(parse("metrics.m1 > 0.5")).containsExactly(
                new Comparison(EntityType.METRIC, "m1", Operator.GT, new Literal.Number(0.5, "0.5")));
    }

    @Test
    void parsesEveryPrefixSpelling() {
        assertThat(parse("metric.a = 1 AND param.b = 'x' AND parameters.c = 'y' AND tag.d = 'z' AND attr.status = 'RUNNING'"
                + " AND run.run_name = 'n' AND dataset.name = 'd'"))
                .extracting(Comparison::type)
                .containsExactly(EntityType.METRIC, EntityType.PARAM, EntityType.PARAM, EntityType.TAG,
                        EntityType.ATTRIBUTE, EntityType.ATTRIBUTE, EntityType.DATASET);
    }

    @Test
    void bareIdentifierIsAnAttribute() {
        assertThat(parse("status = 'FINISHED'")).containsExactly(
                new Comparison(EntityType.ATTRIBUTE, "status", Operator.EQ, new Literal.Text("FINISHED")));
    }

    @Test
    void quotedKeysMayHoldSpacesAndDashes() {
        assertThat(parse("tags.\"my-key\" = 'v' and metrics.`m 1` <= -2e3"))
                .containsExactly(new Comparison(EntityType.TAG, "my-key", Operator.EQ, new Literal.Text("v")),
                        new Comparison(EntityType.METRIC, "m 1", Operator.LE, new Literal.Number(-2000, "-2e3")));
    }

    @Test
    void keysWithDotsKeepEverythingAfterThePrefix() {
        assertThat(parse("tags.mlflow.runName = 'abc'").get(0).key()).isEqualTo("mlflow.runName");
    }

    @Test
    void parsesLikeIlikeAndLists() {
        List<Comparison> clauses = parse("params.p LIKE 'a%' AND tags.t ILIKE \"%B%\" AND run_id IN ('a', 'b') "
                + "AND run_id NOT IN ('c')");
        assertThat(clauses).extracting(Comparison::operator)
                .containsExactly(Operator.LIKE, Operator.ILIKE, Operator.IN, Operator.NOT_IN);
        assertThat(clauses.get(2).value()).isEqualTo(new Literal.TextList(List.of("a", "b")));
    }

    @Test
    void keywordsAreCaseInsensitive() {
        assertThat(parse("params.a like 'x' aNd params.b NoT In ('y')")).extracting(Comparison::operator)
                .containsExactly(Operator.LIKE, Operator.NOT_IN);
    }

    @Test
    void rejectsOrAndParentheses() {
        assertThatThrownBy(() -> parse("metrics.a > 1 OR metrics.b > 2"))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("Invalid clause(s) in filter string");
        assertThatThrownBy(() -> parse("(metrics.a > 1)"))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("Invalid clause(s) in filter string");
    }

    @Test
    void rejectsUnknownPrefixAndComparator() {
        assertThatThrownBy(() -> parse("foo.a = 'x'")).hasMessageContaining("Invalid entity type 'foo'");
        assertThatThrownBy(() -> parse("params.a ~ 'x'")).hasMessageContaining("Invalid comparator");
    }

    @Test
    void rejectsUnterminatedQuoteAndMissingValue() {
        assertThatThrownBy(() -> parse("params.a = 'x")).hasMessageContaining("unterminated quote");
        assertThatThrownBy(() -> parse("params.a =")).hasMessageContaining("Invalid clause(s)");
    }

    @Test
    void parsesOrderByTerms() {
        assertThat(SearchParser.parseOrderBy("metrics.m1 DESC")).isEqualTo(new OrderBy(EntityType.METRIC, "m1", false));
        assertThat(SearchParser.parseOrderBy("start_time")).isEqualTo(new OrderBy(EntityType.ATTRIBUTE, "start_time", true));
        assertThat(SearchParser.parseOrderBy("tags.`a b` asc")).isEqualTo(new OrderBy(EntityType.TAG, "a b", true));
        assertThatThrownBy(() -> SearchParser.parseOrderBy("metrics.m1 SIDEWAYS")).hasMessageContaining("ASC or DESC");
    }

    @Test
    void pageTokensRoundTripAndBadTokensAreRejected() {
        assertThat(PageToken.decode(Optional.of(PageToken.encode(1234)))).isEqualTo(1234);
        assertThat(PageToken.decode(Optional.of(""))).isZero();
        assertThatThrownBy(() -> PageToken.decode(Optional.of("not base64!"))).hasMessageContaining("Invalid page token");
        assertThatThrownBy(() -> PageToken.decode(Optional.of("eyJmb28iOiAxfQ=="))).hasMessageContaining("Invalid page token");
    }
}
