package io.clicktrends.broker;

/** Renders an AMQP URI for logs: the user-info part (credentials) is replaced by {@code ***}. */
public final class AmqpUris {
  private AmqpUris() {}

  public static String mask(String uri) {
    if (uri == null) {
      return "null";
    }
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return uri;
    }
    return uri.substring(0, scheme + 3) + "***" + uri.substring(at);
  }
}
