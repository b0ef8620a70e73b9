package dev.cadre.tool;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.model.ToolDefinition;
import dev.cadre.run.RunContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Builds {@link Tool}s from objects whose methods are annotated with {@link ToolFunction}. */
public final class Tools {

    private Tools() {
    }

    /**
     * One tool per public method of {@code target} annotated with {@link ToolFunction}, in name order.
     *
     * @throws IllegalArgumentException when {@code target} has no such method, or a parameter type
     *     has no JSON form
     */
    public static List<Tool> fromMethods(Object target) {
        List<Tool> tools = new ArrayList<>();
        Method[] methods = target.getClass().getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method m : methods) {
            ToolFunction fn = m.getAnnotation(ToolFunction.class);
            if (fn != null) {
                tools.add(new MethodTool(target, m, fn));
            }
        }
        if (tools.isEmpty()) {
            throw new IllegalArgumentException(target.getClass().getName() + " has no public method annotated with @"
                    + ToolFunction.class.getSimpleName());
        }
        return List.copyOf(tools);
    }

    private static final class MethodTool implements Tool {
        private final Object target;
        private final Method method;
        private final ToolDefinition definition;
        private final List<Arg> args = new ArrayList<>();

        MethodTool(Object target, Method method, ToolFunction fn) {
            this.target = Modifier.isStatic(method.getModifiers()) ? null : target;
            this.method = method;
            method.setAccessible(true);
            ObjectNode schema = JsonSchemas.emptyObject();
            ObjectNode properties = (ObjectNode) schema.get("properties");
            ArrayNode required = (ArrayNode) schema.get("required");
            for (Parameter p : method.getParameters()) {
                if (p.getType() == RunContext.class) {
                    args.add(new Arg(null, null, false));
                    continue;
                }
                ToolParam param = p.getAnnotation(ToolParam.class);
                String name = param != null && !param.name().isEmpty() ? param.name() : p.getName();
                ObjectNode prop = JsonSchemas.of(p.getParameterizedType());
                if (param != null && !param.description().isEmpty()) {
                    prop.put("description", param.description());
                }
                properties.set(name, prop);
                boolean req = !JsonSchemas.isOptional(p.getParameterizedType()) && (param == null || param.required());
                if (req) {
                    required.add(name);
                }
                args.add(new Arg(name, FunctionTool.ARGUMENTS.getTypeFactory().constructType(p.getParameterizedType()),
                        req));
            }
            String name = fn.name().isEmpty() ? snakeCase(method.getName()) : fn.name();
            this.definition = new ToolDefinition(FunctionTool.checkName(name), fn.description(), schema);
        }

        @Override
        public ToolDefinition definition() {
            return definition;
        }

        @Override
        public String call(JsonNode arguments, RunContext context) throws Exception {
            Object[] values = new Object[args.size()];
            for (int i = 0; i < values.length; i++) {
                Arg a = args.get(i);
                if (a.name == null) {
                    values[i] = context;
                    continue;
                }
                JsonNode node = arguments.get(a.name);
                if (node == null || node.isNull()) {
                    if (a.required) {
                        throw new IllegalArgumentException("Missing argument '" + a.name + "' for " + definition.name());
                    }
                    values[i] = a.type.getRawClass() == Optional.class ? Optional.empty() : defaultValue(a.type.getRawClass());
                    continue;
                }
                try {
                    values[i] = FunctionTool.ARGUMENTS.convertValue(node, a.type);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Invalid argument '" + a.name + "' for " + definition.name()
                            + ": " + e.getMessage());
                }
            }
            try {
                return FunctionTool.resultText(method.invoke(target, values));
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }

        private static Object defaultValue(Class<?> type) {
            if (!type.isPrimitive()) {
                return null;
            }
            if (type == boolean.class) {
                return false;
            }
            if (type == char.class) {
                return '\0';
            }
            return FunctionTool.ARGUMENTS.convertValue(0, type);
        }

        private record Arg(String name, JavaType type, boolean required) {
        }
    }

    static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
