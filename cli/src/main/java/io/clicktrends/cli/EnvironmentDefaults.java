package io.clicktrends.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * An option's default from {@code CLICKTRENDS_<OPTION_NAME>} in the environment, else from the
 * properties file; null (picocli then uses the option's own default) when neither has it. See
 * {@link Cli}.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
  private final Map<String, String> env;
  private final Properties file;

  EnvironmentDefaults(Map<String, String> env, Properties file) {
    this.env = env;
    this.file = file;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String name = option.longestName().replaceFirst("^-+", "");
    if (name.equals("config")) {
      return null;
    }
    String value = env.get(environmentVariable(name));
    return value != null ? value : file.getProperty(name);
  }

  /**
   * {@code rabbitmqUri} is {@code CLICKTRENDS_RABBITMQ_URI}; {@code avroPort} is {@code
   * CLICKTRENDS_AVRO_PORT}.
   */
  static String environmentVariable(String optionName) {
    return "CLICKTRENDS_"
        + optionName
            .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
            .replace('-', '_')
            .toUpperCase(Locale.ROOT);
  }
}
