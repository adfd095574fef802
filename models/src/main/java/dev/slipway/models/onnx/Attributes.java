package dev.slipway.models.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Factories for ONNX node attributes. */
public final class Attributes {
    private Attributes() {
    }

    public static AttributeProto ofInt(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
    }

    public static AttributeProto ofFloat(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto ofString(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build();
    }

    public static AttributeProto ofInts(String name, long[] values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    public static AttributeProto ofFloats(String name, float[] values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOATS);
        for (float value : values) {
            attribute.addFloats(value);
        }
        return attribute.build();
    }

    public static AttributeProto ofStrings(String name, List<String> values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name)
                .setType(AttributeType.STRINGS);
        for (String value : values) {
            attribute.addStrings(ByteString.copyFrom(value, StandardCharsets.UTF_8));
        }
        return attribute.build();
    }
}
