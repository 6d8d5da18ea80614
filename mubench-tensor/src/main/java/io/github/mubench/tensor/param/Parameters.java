package io.github.mubench.tensor.param;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the {@link Param} declarations of a parameter record, and builds records from text values: the one place
 * where parameter names, types, defaults and docs are known. Values are parsed by the component's type; numbers must
 * be finite; a record's own constructor checks ranges.
 */
public final class Parameters {
    /** The default text that means {@code null} ("derive it") for boxed numbers. */
    public static final String AUTO = "auto";
    private static final Map<Class<?>, List<Declared>> CACHE = new ConcurrentHashMap<>();

    private Parameters() {
    }

    /**
     * One declared parameter.
     *
     * @param name         snake_case name, as {@code --param} and manifests spell it
     * @param component    the record component (its Java name and type)
     * @param defaultValue the default, as text
     * @param doc          one line on what it does
     */
    public record Declared(String name, RecordComponent component, String defaultValue, String doc) {
        /** The value type in words: {@code number}, {@code integer}, {@code text}, {@code true|false}, or enum choices. */
        public String typeName() {
            Class<?> t = component.getType();
            if (t == double.class || t == Double.class || t == float.class) {
                return "number";
            }
            if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
                return "integer";
            }
            if (t == boolean.class) {
                return "true|false";
            }
            if (t.isEnum()) {
                return String.join("|", Arrays.stream(t.getEnumConstants()).map(Parameters::enumText).toList());
            }
            return "text";
        }
    }

    /** The declared parameters of {@code type}, in component order. Every component must carry {@link Param}. */
    public static List<Declared> of(Class<? extends Record> type) {
        return CACHE.computeIfAbsent(type, t -> {
            List<Declared> out = new ArrayList<>();
            for (RecordComponent c : t.getRecordComponents()) {
                Param p = c.getAnnotation(Param.class);
                if (p == null) {
                    throw new IllegalStateException(t.getName() + "." + c.getName() + " is a parameter record component without @Param");
                }
                out.add(new Declared(snakeCase(c.getName()), c, p.value(), p.doc()));
            }
            return List.copyOf(out);
        });
    }

    /** The record with every parameter at its default. */
    public static <R extends Record> R defaults(Class<R> type) {
        return create(type, Map.of(), type.getSimpleName());
    }

    /**
     * The record with {@code values} (by snake_case name, as text) over the defaults.
     *
     * @param owner names the thing being configured in error messages, e.g. {@code "method 'npo'"}
     * @throws IllegalArgumentException for an unknown name (listing the known ones), a value that does not parse as
     *                                  its type, or one the record's constructor rejects
     */
    public static <R extends Record> R create(Class<R> type, Map<String, String> values, String owner) {
        List<Declared> declared = of(type);
        Map<String, Declared> byName = new LinkedHashMap<>();
        declared.forEach(d -> byName.put(d.name(), d));
        for (String key : values.keySet()) {
            if (!byName.containsKey(key)) {
                throw new IllegalArgumentException(owner + " has no parameter '" + key + "'; it takes "
                        + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())));
            }
        }
        Object[] args = new Object[declared.size()];
        Class<?>[] types = new Class<?>[declared.size()];
        for (int i = 0; i < args.length; i++) {
            Declared d = declared.get(i);
            types[i] = d.component().getType();
            String text = values.getOrDefault(d.name(), d.defaultValue());
            args[i] = parse(d, text, owner);
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw new IllegalArgumentException(owner + ": " + iae.getMessage(), iae);
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    /** The record's parameter values by snake_case name, in declaration order (enums as their lower-case text). */
    public static Map<String, Object> values(Record r) {
        @SuppressWarnings("unchecked")
        Class<? extends Record> type = (Class<? extends Record>) r.getClass();
        Map<String, Object> out = new LinkedHashMap<>();
        for (Declared d : of(type)) {
            try {
                var accessor = d.component().getAccessor();
                accessor.setAccessible(true);
                Object v = accessor.invoke(r);
                out.put(d.name(), v instanceof Enum<?> e ? enumText(e) : v);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** One line per parameter: {@code name (type, default D): doc}. */
    public static List<String> describe(Class<? extends Record> type) {
        return of(type).stream().map(d -> d.name() + " (" + d.typeName() + ", default " + d.defaultValue() + "): " + d.doc()).toList();
    }

    /** Range check for record constructors: {@code value > 0} and finite. */
    public static double positive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(snakeCase(name) + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    /** Range check for record constructors: {@code value >= 0} and finite. */
    public static double nonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(snakeCase(name) + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    /** Range check for record constructors: {@code value >= min}. */
    public static long atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(snakeCase(name) + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /** {@code retainNll} → {@code retain_nll}. */
    public static String snakeCase(String javaName) {
        StringBuilder b = new StringBuilder();
        for (char ch : javaName.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                b.append('_').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    private static String enumText(Object e) {
        return ((Enum<?>) e).name().toLowerCase(Locale.ROOT);
    }

    private static Object parse(Declared d, String text, String owner) {
        Class<?> t = d.component().getType();
        String v = text.trim();
        String where = owner + " parameter '" + d.name() + "'";
        try {
            if (!t.isPrimitive() && v.equals(AUTO) && Number.class.isAssignableFrom(t)) {
                return null;
            }
            if (t == double.class || t == Double.class) {
                double x = Double.parseDouble(v);
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException(where + " must be a finite number, got '" + text + "'");
                }
                return x;
            }
            if (t == int.class || t == Integer.class) {
                return Integer.parseInt(v);
            }
            if (t == long.class || t == Long.class) {
                return Long.parseLong(v);
            }
            if (t == boolean.class) {
                if (!v.equals("true") && !v.equals("false")) {
                    throw new IllegalArgumentException(where + " must be true or false, got '" + text + "'");
                }
                return Boolean.parseBoolean(v);
            }
            if (t.isEnum()) {
                for (Object c : t.getEnumConstants()) {
                    if (enumText(c).equals(v.toLowerCase(Locale.ROOT))) {
                        return c;
                    }
                }
                throw new IllegalArgumentException(where + " must be one of " + d.typeName() + ", got '" + text + "'");
            }
            if (t == String.class) {
                return text;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " must be " + (d.typeName().equals("number") ? "a number" : "a whole number")
                    + ", got '" + text + "'" + (Number.class.isAssignableFrom(t) ? " (or " + AUTO + ")" : ""));
        }
        throw new IllegalStateException(where + " has unsupported type " + t.getName());
    }
}
