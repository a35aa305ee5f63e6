package io.clicktrends.flume.etl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One access-log line in combined log format (or common log format, which stops after the byte
 * count) split into its fields, with the log format's own escaping undone:
 *
 * <pre>
 * host ident authuser [time] "request line" status bytes "referrer" "user agent" [more fields...]
 * </pre>
 *
 * <p>Web servers escape what they write inside fields, so a quote in a User-Agent does not end its
 * field: Apache writes {@code \"} and {@code \\}, control characters as {@code \n}, {@code \t} and
 * the like, and other bytes as {@code \xhh}; nginx ({@code escape=default}) writes {@code "},
 * {@code \} and every byte outside printable ASCII as {@code \xHH}, and with {@code escape=json}
 * uses {@code \"}, {@code \\} and <code>&#92;u00XX</code>. Reading a quoted field therefore ends
 * only at an unescaped quote, and every escape is turned back into the byte(s) it stands for; the
 * bytes are then read as UTF-8 (bytes that are not UTF-8 become U+FFFD, which the validation rules
 * dead-letter as invalid Unicode if it ends up in an event). A backslash followed by anything else
 * is kept as it is.
 *
 * <p>The whole line is read: after the user agent come zero or more further fields (nginx's {@code
 * main} format adds {@code "$http_x_forwarded_for"}), each quoted or bare, separated by single
 * spaces; anything else (an unterminated quote, a stray character after a closing quote) means the
 * line is not in this format.
 */
final class CombinedLogLine {
  final String host;
  final String ident;
  final String user;
  final String time;
  final String request;
  final String status;
  final String bytes;

  /** Null in common log format. */
  final String referrer;

  /** Null in common log format. */
  final String userAgent;

  final List<String> extra;

  private CombinedLogLine(List<String> f, List<String> extra) {
    this.host = f.get(0);
    this.ident = f.get(1);
    this.user = f.get(2);
    this.time = f.get(3);
    this.request = f.get(4);
    this.status = f.get(5);
    this.bytes = f.get(6);
    this.referrer = f.size() > 7 ? f.get(7) : null;
    this.userAgent = f.size() > 8 ? f.get(8) : null;
    this.extra = Collections.unmodifiableList(extra);
  }

  /** Why a line is not in combined (or common) log format. */
  static final class FormatException extends Exception {
    FormatException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The fields of {@code line} (no line terminator), or a {@link FormatException} saying where it
   * stops fitting.
   */
  static CombinedLogLine parse(String line) throws FormatException {
    Scanner s = new Scanner(line);
    List<String> f = new ArrayList<>(9);
    f.add(s.bare("client address"));
    s.space();
    f.add(s.bare("identity"));
    s.space();
    f.add(s.bare("user"));
    s.space();
    f.add(s.bracketed("time"));
    s.space();
    f.add(s.quoted("request line"));
    s.space();
    f.add(s.bare("status"));
    s.space();
    f.add(s.bare("size"));
    List<String> extra = new ArrayList<>();
    if (s.startsQuoted()) { // combined: referrer and user agent, then perhaps more
      s.space();
      f.add(s.quoted("referrer"));
      s.space();
      f.add(s.quoted("user agent"));
    }
    while (!s.atEnd()) {
      s.space();
      extra.add(
          s.peek() == '"' ? s.quoted("field " + (f.size() + extra.size() + 1)) : s.bare("field"));
    }
    if (!f.get(5).matches("\\d{3}")) {
      throw new FormatException("status '" + f.get(5) + "' is not three digits");
    }
    if (!f.get(6).matches("\\d+|-")) {
      throw new FormatException("size '" + f.get(6) + "' is neither a number nor -");
    }
    return new CombinedLogLine(f, extra);
  }

  /** Reads one line left to right; every method consumes exactly what it returns. */
  private static final class Scanner {
    private final String line;
    private int pos;

    Scanner(String line) {
      this.line = line;
    }

    boolean atEnd() {
      return pos >= line.length();
    }

    char peek() {
      return line.charAt(pos);
    }

    /** True if a space and then a quote follow (the referrer of a combined line). */
    boolean startsQuoted() {
      return pos + 1 < line.length() && line.charAt(pos) == ' ' && line.charAt(pos + 1) == '"';
    }

    void space() throws FormatException {
      if (atEnd() || line.charAt(pos) != ' ') {
        throw new FormatException(
            "expected a space at column "
                + (pos + 1)
                + (atEnd() ? " (the line ends)" : ", found '" + line.charAt(pos) + "'"));
      }
      pos++;
    }

    /** A field up to the next space, escapes undone (Apache escapes the user name too). */
    String bare(String what) throws FormatException {
      int start = pos;
      while (!atEnd() && line.charAt(pos) != ' ') {
        pos++;
      }
      if (pos == start) {
        throw new FormatException("no " + what + " at column " + (start + 1));
      }
      return unescape(line.substring(start, pos));
    }

    String bracketed(String what) throws FormatException {
      if (atEnd() || line.charAt(pos) != '[') {
        throw new FormatException("expected [" + what + "] at column " + (pos + 1));
      }
      int end = line.indexOf(']', pos);
      if (end < 0) {
        throw new FormatException("unterminated [" + what + "] from column " + (pos + 1));
      }
      String value = line.substring(pos + 1, end);
      pos = end + 1;
      return value;
    }

    /** A quoted field: ends at the first quote not escaped by a backslash; escapes are undone. */
    String quoted(String what) throws FormatException {
      if (atEnd() || line.charAt(pos) != '"') {
        throw new FormatException("expected the quoted " + what + " at column " + (pos + 1));
      }
      int start = pos;
      int i = pos + 1;
      while (i < line.length() && line.charAt(i) != '"') {
        i += line.charAt(i) == '\\' ? 2 : 1;
      }
      if (i >= line.length()) {
        throw new FormatException(
            "the quoted " + what + " from column " + (start + 1) + " is never closed");
      }
      pos = i + 1;
      if (!atEnd() && line.charAt(pos) != ' ') {
        throw new FormatException(
            "unexpected '"
                + line.charAt(pos)
                + "' after the quoted "
                + what
                + " at column "
                + (pos + 1));
      }
      return unescape(line.substring(start + 1, i));
    }
  }

  /** {@code field} with Apache's and nginx's escapes turned back into bytes, read as UTF-8. */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(field.length());
    int i = 0;
    while (i < field.length()) {
      char c = field.charAt(i);
      if (c != '\\' || i + 1 >= field.length()) {
        int cp = field.codePointAt(i);
        writeUtf8(out, cp);
        i += Character.charCount(cp);
        continue;
      }
      char d = field.charAt(i + 1);
      int simple =
          switch (d) {
            case '"', '\\', '/' -> d;
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'v' -> 0x0B;
            default -> -1;
          };
      if (simple >= 0) {
        out.write(simple);
        i += 2;
      } else if (d == 'x' && hexAt(field, i + 2, 2) >= 0) {
        out.write(hexAt(field, i + 2, 2));
        i += 4;
      } else if (d == 'u' && hexAt(field, i + 2, 4) >= 0) {
        int unit = hexAt(field, i + 2, 4);
        i += 6;
        if (Character.isHighSurrogate((char) unit)
            && i + 1 < field.length()
            && field.charAt(i) == '\\'
            && field.charAt(i + 1) == 'u'
            && hexAt(field, i + 2, 4) >= 0
            && Character.isLowSurrogate((char) hexAt(field, i + 2, 4))) {
          writeUtf8(out, Character.toCodePoint((char) unit, (char) hexAt(field, i + 2, 4)));
          i += 6;
        } else {
          writeUtf8(out, Character.isSurrogate((char) unit) ? 0xFFFD : unit);
        }
      } else {
        out.write('\\'); // not an escape either server writes: keep it as it is
        i += 1;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hexAt(String s, int from, int digits) {
    if (from + digits > s.length()) {
      return -1;
    }
    int v = 0;
    for (int k = from; k < from + digits; k++) {
      int h = Character.digit(s.charAt(k), 16);
      if (h < 0 || s.charAt(k) > 'f') { // Character.digit also takes non-ASCII digits
        return -1;
      }
      v = v * 16 + h;
    }
    return v;
  }

  private static void writeUtf8(ByteArrayOutputStream out, int codePoint) {
    byte[] b =
        new String(
                Character.toChars(
                    Character.isSurrogate((char) codePoint) && codePoint <= 0xFFFF
                        ? 0xFFFD
                        : codePoint))
            .getBytes(StandardCharsets.UTF_8);
    out.write(b, 0, b.length);
  }
}
