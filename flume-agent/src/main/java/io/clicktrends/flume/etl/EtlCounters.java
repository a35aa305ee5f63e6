package io.clicktrends.flume.etl;

import io.clicktrends.schema.RejectReason;
import java.util.ArrayList;
import java.util.List;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanConstructorInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import org.apache.flume.instrumentation.MonitoredCounterGroup;

/**
 * The ETL step's counters as a Flume monitored counter group ({@code INTERCEPTOR.<name>}), so
 * Flume's monitoring (JMX, and the HTTP JSON at {@code /metrics} with {@code
 * flume.monitoring.type=http}) shows them live:
 *
 * <ul>
 *   <li>{@code EventValidCount}: events that became ClickEvents;
 *   <li>{@code EventDeadLetteredCount}: events marked dead, and {@code EventDeadLettered.<REASON>}
 *       per reason (every {@link RejectReason}, zero until one occurs);
 *   <li>{@code EventIgnoredCount}: access-log lines dropped as non-clicks ({@code
 *       accesslog.ignoreNonClicks});
 *   <li>{@code StartTime}, {@code StopTime}, {@code Type} as every Flume counter group has.
 * </ul>
 *
 * Flume's own groups are standard MBeans with one getter per counter; this one is a dynamic MBean,
 * so the per-reason counters follow the reasons there are.
 */
final class EtlCounters extends MonitoredCounterGroup implements DynamicMBean {
  static final String VALID = "EventValidCount";
  static final String DEAD = "EventDeadLetteredCount";
  static final String IGNORED = "EventIgnoredCount";
  static final String DEAD_PREFIX = "EventDeadLettered.";

  private final List<String> counters;

  EtlCounters(String name) {
    this(name, counterNames());
  }

  private EtlCounters(String name, List<String> counters) {
    super(Type.INTERCEPTOR, name, counters.toArray(new String[0]));
    this.counters = counters;
  }

  private static List<String> counterNames() {
    List<String> names = new ArrayList<>(List.of(VALID, DEAD, IGNORED));
    for (RejectReason r : RejectReason.values()) {
      names.add(DEAD_PREFIX + r.name());
    }
    return names;
  }

  void valid() {
    increment(VALID);
  }

  void ignored() {
    increment(IGNORED);
  }

  void dead(RejectReason reason) {
    increment(DEAD);
    increment(DEAD_PREFIX + reason.name());
  }

  long count(String counter) {
    return get(counter);
  }

  @Override
  public Object getAttribute(String attribute) throws AttributeNotFoundException {
    switch (attribute) {
      case "Type":
        return getType();
      case "StartTime":
        return getStartTime();
      case "StopTime":
        return getStopTime();
      default:
        if (!counters.contains(attribute)) {
          throw new AttributeNotFoundException(attribute);
        }
        return get(attribute);
    }
  }

  @Override
  public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
    throw new AttributeNotFoundException(attribute.getName() + " is read-only");
  }

  @Override
  public AttributeList getAttributes(String[] attributes) {
    AttributeList out = new AttributeList();
    for (String a : attributes) {
      try {
        out.add(new Attribute(a, getAttribute(a)));
      } catch (AttributeNotFoundException unknown) {
        // left out, as the JMX contract says
      }
    }
    return out;
  }

  @Override
  public AttributeList setAttributes(AttributeList attributes) {
    return new AttributeList();
  }

  @Override
  public Object invoke(String actionName, Object[] params, String[] signature) {
    throw new UnsupportedOperationException(actionName);
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    List<MBeanAttributeInfo> attrs = new ArrayList<>();
    attrs.add(
        new MBeanAttributeInfo(
            "Type", String.class.getName(), "component type", true, false, false));
    attrs.add(
        new MBeanAttributeInfo(
            "StartTime", long.class.getName(), "start, epoch ms", true, false, false));
    attrs.add(
        new MBeanAttributeInfo(
            "StopTime", long.class.getName(), "stop, epoch ms", true, false, false));
    for (String c : counters) {
      attrs.add(new MBeanAttributeInfo(c, long.class.getName(), c, true, false, false));
    }
    return new MBeanInfo(
        getClass().getName(),
        "Clicktrends ETL interceptor counters",
        attrs.toArray(new MBeanAttributeInfo[0]),
        new MBeanConstructorInfo[0],
        new MBeanOperationInfo[0],
        new MBeanNotificationInfo[0]);
  }
}
