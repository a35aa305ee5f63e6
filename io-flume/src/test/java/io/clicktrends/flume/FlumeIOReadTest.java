package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.joda.time.Duration;
import org.junit.Test;

/**
 * FlumeIO.read()'s settings: immutable copies, one refusal per rule naming the setting, display
 * data.
 */
public class FlumeIOReadTest {
  private static String refusal(FlumeIO.Read read) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    return assertThrows(IllegalArgumentException.class, () -> p.apply(read)).getMessage();
  }

  @Test
  public void eachRuleIsRefusedNamingItsSetting() {
    assertThat(refusal(FlumeIO.read()), containsString("withSinkAddresses"));
    assertThat(
        refusal(FlumeIO.read().withSinkAddresses("h:1", "h:1")),
        containsString("duplicate sink address"));
    FlumeIO.Read ok = FlumeIO.read().withSinkAddresses("h:1");
    assertThat(refusal(ok.withBatchSize(0)), containsString("withBatchSize(0)"));
    assertThat(
        refusal(ok.withMaxOutOfOrderness(Duration.millis(-1))),
        containsString("withMaxOutOfOrderness"));
    assertThat(refusal(ok.withIdleTimeout(Duration.millis(-1))), containsString("withIdleTimeout"));
    assertThat(refusal(ok.withPollTimeout(Duration.ZERO)), containsString("withPollTimeout"));
    assertThat(refusal(ok.withConnectTimeout(Duration.ZERO)), containsString("withConnectTimeout"));
    assertThat(refusal(ok.withMaxNumRecords(0)), containsString("withMaxNumRecords(0)"));
  }

  @Test
  public void settingsAreCopiesAndShownAsDisplayData() {
    FlumeIO.Read base = FlumeIO.read().withSinkAddresses("web1:41416", "web2:41416");
    FlumeIO.Read small = base.withBatchSize(100);
    assertThat(base.getBatchSize(), equalTo(10_000));
    assertThat(small.getBatchSize(), equalTo(100));
    assertThat(small.getSinkAddresses(), equalTo(base.getSinkAddresses()));
    DisplayData data = DisplayData.from(small);
    assertThat(
        data.asMap()
            .get(
                DisplayData.Identifier.of(DisplayData.Path.root(), FlumeIO.Read.class, "batchSize"))
            .getValue(),
        equalTo(100L));
  }
}
