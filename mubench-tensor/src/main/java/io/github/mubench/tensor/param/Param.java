package io.github.mubench.tensor.param;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a record component as a user-settable parameter: its name (the component's, in snake_case), its type
 * (the component's), its default and its documentation, once. Registries, {@code --param} parsing, help texts,
 * manifests and the README's tables are derived from this declaration by {@link Parameters}.
 * <pre>{@code
 * public record Npo(@Param(value = "0.1", doc = "inverse temperature β") double beta, ...) implements UnlearningMethod
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Param {
    /**
     * The default, written as a user would write it on the command line ({@code 0.1}, {@code 5}, {@code true}, an
     * enum constant in lower case, any text). For a boxed {@code Integer}/{@code Long}/{@code Double},
     * {@value Parameters#AUTO} stands for {@code null}: "derive it" (the doc says how).
     */
    String value();

    /** What the parameter does, in one line. */
    String doc();
}
