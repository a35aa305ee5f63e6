package io.clicktrends.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Runs one {@code bin/clicktrends} subcommand (a picocli {@code @Command}) with the conventions
 * they all share.
 *
 * <ul>
 *   <li>An option is given as {@code --name value} or {@code --name=value}; every subcommand has
 *       {@code --help} and {@code --version}.
 *   <li>An option not on the command line takes its value from the environment variable {@code
 *       CLICKTRENDS_} plus the option's name in upper snake case ({@code --rabbitmqUri} reads
 *       {@code CLICKTRENDS_RABBITMQ_URI}), else from the properties file given by {@code --config
 *       FILE} or {@code CLICKTRENDS_CONFIG} (key: the option's name without dashes, {@code
 *       rabbitmqUri=amqp://...}), else its built-in default. So a secret such as the broker
 *       password need not appear in argv, where {@code ps} shows it.
 *   <li>A bad option or value prints {@code clicktrends <command>: <picocli's message, naming the
 *       option and value>} and a pointer to {@code --help}, and exits with {@link #USAGE_ERROR}; so
 *       does an {@link IllegalArgumentException} from the command itself (a rule the parser cannot
 *       express).
 * </ul>
 */
public final class Cli {
  /** The exit code of a refused command line. */
  public static final int USAGE_ERROR = 2;

  /** The environment variable naming the default properties file. */
  public static final String CONFIG_ENV = "CLICKTRENDS_CONFIG";

  private Cli() {}

  /**
   * {@code --config FILE}: on every subcommand; read before the other options (see {@link Cli}).
   */
  static final class ConfigOption {
    @Option(
        names = "--config",
        paramLabel = "FILE",
        description =
            "Properties file with defaults for any option (key = option name, e.g. rabbitmqUri=amqp://...);"
                + " also CLICKTRENDS_CONFIG. Command line > CLICKTRENDS_<OPTION> environment variables > this file.")
    Path config;
  }

  /**
   * The command line for {@code command}, configured for {@code args} (whose {@code --config} it
   * reads).
   */
  public static CommandLine commandLine(Object command, String... args) {
    return commandLine(command, System.getenv(), args);
  }

  /** As {@link #commandLine(Object, String...)}, with the environment given (tests). */
  public static CommandLine commandLine(Object command, Map<String, String> env, String... args) {
    CommandLine cl = command instanceof CommandLine c ? c : new CommandLine(command);
    String name = cl.getCommandName();
    cl.addMixin("config", new ConfigOption());
    cl.setUsageHelpWidth(110);
    if (cl.getCommandSpec().version().length == 0
        && cl.getCommandSpec().versionProvider() == null) {
      cl.getCommandSpec().versionProvider(new VersionProvider());
    }
    cl.setDefaultValueProvider(new EnvironmentDefaults(env, properties(configFile(args, env))));
    cl.setParameterExceptionHandler(
        (e, a) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println("clicktrends " + name + ": " + e.getMessage());
          err.println("see: bin/clicktrends " + name + " --help");
          return USAGE_ERROR;
        });
    cl.setExecutionExceptionHandler(
        (e, c, r) -> {
          if (e instanceof IllegalArgumentException) {
            c.getErr().println("clicktrends " + name + ": " + e.getMessage());
            return USAGE_ERROR;
          }
          throw e;
        });
    return cl;
  }

  /**
   * Parses and runs {@code command} (a {@code Runnable} or {@code Callable<Integer>}); returns its
   * exit code.
   */
  public static int execute(Object command, String... args) {
    CommandLine cl;
    try {
      cl = commandLine(command, args);
    } catch (CommandLine.InitializationException e) {
      System.err.println("clicktrends: " + e.getMessage());
      return USAGE_ERROR;
    }
    return cl.execute(args);
  }

  /**
   * {@code --config FILE} or {@code --config=FILE} from argv, else {@code CLICKTRENDS_CONFIG}, else
   * null.
   */
  static Path configFile(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return Path.of(args[i].substring("--config=".length()));
      }
    }
    String fromEnv = env.get(CONFIG_ENV);
    return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
  }

  private static Properties properties(Path file) {
    Properties p = new Properties();
    if (file == null) {
      return p;
    }
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new CommandLine.InitializationException(
          "--config " + file + ": cannot read it (" + e + ")");
    }
    return p;
  }
}
