package io.clicktrends.flume.etl;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.clicktrends.schema.RejectReason;
import io.clicktrends.schema.Rejection;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

public class DeadLetterLogTest {
  private final List<String> warnings = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000_000);

  private Logger capturing() {
    return (Logger)
        Proxy.newProxyInstance(
            Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
              if (method.getName().equals("warn")
                  && args != null
                  && args[0] instanceof String format) {
                Object[] rest = Arrays.copyOfRange(args, 1, args.length);
                if (rest.length == 1 && rest[0] instanceof Object[] arr) {
                  rest = arr;
                }
                warnings.add(MessageFormatter.arrayFormat(format, rest).getMessage());
              }
              return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            });
  }

  @Test
  public void oneLinePerReasonPerMinuteWithTheCount() {
    DeadLetterLog log = new DeadLetterLog(capturing(), clock::get);
    log.record(new Rejection(RejectReason.MALFORMED_JSON, "first"));
    for (int i = 0; i < 1000; i++) {
      log.record(new Rejection(RejectReason.MALFORMED_JSON, "bad " + i));
      clock.addAndGet(10); // 1,000 in 10 s
    }
    log.record(new Rejection(RejectReason.INVALID_UTF8, "other reason"));
    assertThat(warnings.size(), equalTo(2)); // the first of each reason only
    clock.addAndGet(50_000); // a minute after the first MALFORMED_JSON
    log.record(new Rejection(RejectReason.MALFORMED_JSON, "the latest"));
    assertThat(warnings.size(), equalTo(3));
    assertThat(
        warnings.get(2),
        equalTo(
            "dead-lettered 1001 event(s) as MALFORMED_JSON in the last 60 s; latest: the latest"));
    log.record(new Rejection(RejectReason.INVALID_UTF8, "again"));
    log.flush(); // at close: what is left, per reason
    assertThat(
        warnings.get(3),
        equalTo("dead-lettered 1 event(s) as INVALID_UTF8 in the last 50 s; latest: again"));
    assertThat(warnings.size(), equalTo(4));
  }
}
