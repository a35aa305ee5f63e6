package io.clicktrends.fanout;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Which pages may open /ws. Browsers always send Origin on a WebSocket upgrade; a page on another
 * site must not read the live feed through a visitor's browser (cross-site WebSocket hijacking), so
 * the service's own page is always allowed, plus the configured origins ("*" = any). A request
 * without Origin comes from a non-browser client and is allowed.
 */
final class OriginPolicy {
  private final Set<String> allowed;

  OriginPolicy(Set<String> allowed) {
    this.allowed =
        allowed.stream().map(OriginPolicy::canonical).collect(java.util.stream.Collectors.toSet());
  }

  /**
   * Lower case, no trailing slash, no default port: browsers send {@code https://h}, a config may
   * say {@code https://h:443}.
   */
  static String canonical(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    if (o.endsWith("/")) {
      o = o.substring(0, o.length() - 1);
    }
    if (o.startsWith("https://") && o.endsWith(":443")) {
      return o.substring(0, o.length() - 4);
    }
    if (o.startsWith("http://") && o.endsWith(":80")) {
      return o.substring(0, o.length() - 3);
    }
    return o;
  }

  boolean allows(String origin, String serverName, int serverPort) {
    if (origin == null) {
      return true;
    }
    String o = canonical(origin);
    if (allowed.contains("*") || allowed.contains(o)) {
      return true;
    }
    try {
      URI u = URI.create(o);
      if (u.getHost() == null) {
        return false;
      }
      int port = u.getPort() != -1 ? u.getPort() : ("https".equals(u.getScheme()) ? 443 : 80);
      return u.getHost().equalsIgnoreCase(serverName) && port == serverPort;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
