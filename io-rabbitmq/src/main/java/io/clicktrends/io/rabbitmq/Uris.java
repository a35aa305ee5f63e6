package io.clicktrends.io.rabbitmq;

/** Renders an AMQP URI for logs and exceptions: credentials become {@code ***}. */
final class Uris {
  private Uris() {}

  static String mask(String uri) {
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
