package dev.slipway.core.tracking;

import java.util.List;
import java.util.random.RandomGenerator;

/** Generates MLflow-style run names such as {@code brave-otter-417}. */
public final class RunNames {
    private static final List<String> ADJECTIVES = List.of("able", "amber", "bold", "brave", "bright", "calm", "clever",
            "crisp", "dapper", "eager", "fair", "gentle", "glossy", "honest", "jolly", "keen", "lucky", "merry", "nimble",
            "polite", "quick", "quiet", "rare", "sharp", "shy", "silent", "smooth", "spry", "stately", "sunny", "swift",
            "tidy", "vast", "warm", "wise", "zesty");
    private static final List<String> NOUNS = List.of("ant", "bass", "bear", "bird", "carp", "cat", "colt", "crane",
            "deer", "doe", "dove", "eel", "elk", "finch", "fox", "frog", "goat", "hare", "hawk", "hen", "jay", "koi",
            "lark", "lynx", "mole", "moth", "newt", "otter", "owl", "panda", "ray", "robin", "seal", "shrew", "slug",
            "snail", "stag", "swan", "toad", "trout", "wasp", "whale", "wolf", "worm", "wren", "yak");

    private RunNames() {}

    /** A random {@code adjective-noun-NNN} name, as MLflow gives unnamed runs and logged models. */
    public static String generate(RandomGenerator random) {
        return ADJECTIVES.get(random.nextInt(ADJECTIVES.size())) + "-" + NOUNS.get(random.nextInt(NOUNS.size())) + "-"
                + random.nextInt(1000);
    }
}
