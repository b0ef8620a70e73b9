package dev.cadre.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * JSON schemas for Java types, as function-calling models expect them: strings, numbers, booleans,
 * enums, lists, maps, {@code Optional} (not required) and records (objects, described with
 * {@link ToolParam}).
 */
public final class JsonSchemas {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 16;

    private JsonSchemas() {
    }

    /**
     * The schema of {@code type}.
     *
     * @throws IllegalArgumentException for a type with no JSON form (for example a plain class that
     *     is not a record); use a record instead
     */
    public static ObjectNode of(Type type) {
        return of(type, 0);
    }

    /** An empty {@code object} schema: a tool without arguments. */
    public static ObjectNode emptyObject() {
        ObjectNode node = JSON.objectNode();
        node.put("type", "object");
        node.putObject("properties");
        node.putArray("required");
        return node;
    }

    static boolean isOptional(Type type) {
        return raw(type) == Optional.class;
    }

    private static ObjectNode of(Type type, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("Type " + type.getTypeName() + " nests too deeply (or refers to itself) "
                    + "to be described as a JSON schema");
        }
        Class<?> raw = raw(type);
        ObjectNode node = JSON.objectNode();
        if (raw == String.class || raw == char.class || raw == Character.class || CharSequence.class.isAssignableFrom(raw)) {
            node.put("type", "string");
        } else if (raw == int.class || raw == long.class || raw == short.class || raw == byte.class
                || raw == Integer.class || raw == Long.class || raw == Short.class || raw == Byte.class
                || raw == BigInteger.class) {
            node.put("type", "integer");
        } else if (raw == double.class || raw == float.class || raw == Double.class || raw == Float.class
                || raw == BigDecimal.class) {
            node.put("type", "number");
        } else if (raw == boolean.class || raw == Boolean.class) {
            node.put("type", "boolean");
        } else if (raw.isEnum()) {
            node.put("type", "string");
            ArrayNode values = node.putArray("enum");
            for (Object constant : raw.getEnumConstants()) {
                values.add(((Enum<?>) constant).name());
            }
        } else if (raw == Optional.class) {
            return of(typeArgument(type, 0), depth + 1);
        } else if (raw.isArray() || type instanceof GenericArrayType) {
            node.put("type", "array");
            Type item = type instanceof GenericArrayType g ? g.getGenericComponentType() : raw.getComponentType();
            node.set("items", of(item, depth + 1));
        } else if (Collection.class.isAssignableFrom(raw)) {
            node.put("type", "array");
            node.set("items", of(typeArgument(type, 0), depth + 1));
        } else if (Map.class.isAssignableFrom(raw)) {
            node.put("type", "object");
            node.set("additionalProperties", of(typeArgument(type, 1), depth + 1));
        } else if (JsonNode.class.isAssignableFrom(raw) || raw == Object.class) {
            return node; // any JSON value
        } else if (raw.isRecord()) {
            node.put("type", "object");
            ObjectNode properties = node.putObject("properties");
            ArrayNode required = node.putArray("required");
            for (RecordComponent c : raw.getRecordComponents()) {
                ToolParam param = c.getAnnotation(ToolParam.class);
                String name = param != null && !param.name().isEmpty() ? param.name() : c.getName();
                ObjectNode prop = of(c.getGenericType(), depth + 1);
                if (param != null && !param.description().isEmpty()) {
                    prop.put("description", param.description());
                }
                properties.set(name, prop);
                if (!isOptional(c.getGenericType()) && (param == null || param.required())) {
                    required.add(name);
                }
            }
            node.put("additionalProperties", false);
        } else {
            throw new IllegalArgumentException("Cannot describe " + type.getTypeName() + " as a JSON schema: use a "
                    + "record, an enum, a String, a number, a boolean, a List or a Map");
        }
        return node;
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            return p.getActualTypeArguments()[index];
        }
        return Object.class;
    }

    static Class<?> raw(Type type) {
        return switch (type) {
            case Class<?> c -> c;
            case ParameterizedType p -> (Class<?>) p.getRawType();
            case GenericArrayType g -> java.lang.reflect.Array.newInstance(raw(g.getGenericComponentType()), 0).getClass();
            default -> Object.class;
        };
    }
}
