package io.clicktrends.pipeline;

import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Hidden;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Beam's pipeline options as options of a picocli command, so a subcommand that runs the pipeline
 * takes them like its own ({@code --windowSize 30m} or {@code --windowSize=30m}, {@code
 * CLICKTRENDS_WINDOW_SIZE}, the config file) while Beam's {@link PipelineOptions} stay their
 * definition: names, descriptions and defaults come from the registered option interfaces, and
 * {@link #beamArgs()} hands the values given back to {@link PipelineOptionsFactory} as {@code
 * --name=value}, which validates them.
 *
 * <p>Clicktrends' own options ({@link ClicktrendsOptions}, {@link TrendOptions}) and {@code
 * --runner} are listed by {@code --help}; every other registered option (the runners', e.g. {@code
 * --sparkMaster}, {@code --checkpointDir}) is accepted but not listed. A boolean may stand alone
 * ({@code --printTrends}) or take true/false. A list option takes one comma-separated value ({@code
 * --dimensions=search,purchase}).
 */
public final class PipelineOptionsCli {
  private final Map<String, String> given = new LinkedHashMap<>();

  private PipelineOptionsCli() {}

  /** Adds every registered pipeline option that {@code spec} does not define itself. */
  public static PipelineOptionsCli addTo(CommandSpec spec) {
    PipelineOptionsFactory.register(ClicktrendsOptions.class);
    PipelineOptionsCli cli = new PipelineOptionsCli();
    Map<String, Method> properties = new LinkedHashMap<>();
    for (Class<? extends PipelineOptions> type : PipelineOptionsFactory.getRegisteredOptions()) {
      for (Method m : type.getMethods()) {
        String name = propertyName(m);
        if (name != null) {
          properties.merge(name, m, (a, b) -> a.isAnnotationPresent(Description.class) ? a : b);
        }
      }
    }
    properties.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .filter(e -> spec.findOption("--" + e.getKey()) == null)
        .forEach(e -> spec.addOption(cli.option(e.getKey(), e.getValue())));
    return cli;
  }

  /**
   * The pipeline options given (command line, environment or config file), as Beam's {@code
   * --name=value}.
   */
  public List<String> beamArgs() {
    List<String> out = new ArrayList<>();
    given.forEach((k, v) -> out.add("--" + k + "=" + v));
    return out;
  }

  /** Whether the option {@code name} (without dashes) was given in any of those ways. */
  public boolean isGiven(String name) {
    return given.containsKey(name);
  }

  private OptionSpec option(String name, Method getter) {
    Class<?> type = getter.getReturnType();
    boolean bool = type == boolean.class || type == Boolean.class;
    boolean ours =
        getter.getDeclaringClass().getPackageName().startsWith("io.clicktrends")
            || name.equals("runner");
    Description description = getter.getAnnotation(Description.class);
    String text = (description == null ? "" : description.value()) + defaultText(getter);
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      text += " (comma-separated)";
    }
    return OptionSpec.builder("--" + name)
        .type(bool ? Boolean.class : String.class)
        .arity(bool ? "0..1" : "1")
        .paramLabel(bool ? "true|false" : "VALUE")
        .description(text.replace("%", "%%"))
        .hidden(!ours || getter.isAnnotationPresent(Hidden.class))
        .getter(
            new IGetter() {
              @Override
              @SuppressWarnings("unchecked")
              public <T> T get() {
                String v = given.get(name);
                return (T) (v == null ? null : bool ? Boolean.valueOf(v) : v);
              }
            })
        .setter(
            new ISetter() {
              @Override
              public <T> T set(T value) {
                if (value != null) {
                  given.put(name, String.valueOf(value));
                }
                return null;
              }
            })
        .build();
  }

  /**
   * A getter's property name as Beam derives it ({@code getWindowSize} is windowSize), or null for
   * other methods.
   */
  private static String propertyName(Method m) {
    if (m.getParameterCount() != 0
        || Modifier.isStatic(m.getModifiers())
        || m.isDefault()
        || m.getDeclaringClass() == Object.class) {
      return null;
    }
    String n = m.getName();
    if (n.startsWith("get") && n.length() > 3) {
      return Introspector.decapitalize(n.substring(3));
    }
    if (n.startsWith("is") && n.length() > 2 && (m.getReturnType() == boolean.class)) {
      return Introspector.decapitalize(n.substring(2));
    }
    return null;
  }

  private static String defaultText(Method getter) {
    Object v = null;
    if (getter.getAnnotation(Default.String.class) != null) {
      v = getter.getAnnotation(Default.String.class).value();
    } else if (getter.getAnnotation(Default.Integer.class) != null) {
      v = getter.getAnnotation(Default.Integer.class).value();
    } else if (getter.getAnnotation(Default.Long.class) != null) {
      v = getter.getAnnotation(Default.Long.class).value();
    } else if (getter.getAnnotation(Default.Double.class) != null) {
      v = getter.getAnnotation(Default.Double.class).value();
    } else if (getter.getAnnotation(Default.Boolean.class) != null) {
      v = getter.getAnnotation(Default.Boolean.class).value();
    } else if (getter.getAnnotation(Default.Enum.class) != null) {
      v = getter.getAnnotation(Default.Enum.class).value();
    } else if (getter.getAnnotation(Default.Class.class) != null) {
      v = getter.getAnnotation(Default.Class.class).value().getSimpleName();
    }
    return v == null ? "" : " Default: " + v + ".";
  }
}
