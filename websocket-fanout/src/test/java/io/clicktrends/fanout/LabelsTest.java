package io.clicktrends.fanout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

public class LabelsTest {
  @Test
  public void readsQuotedCsvWithHeaderAndComments() throws Exception {
    Path f = Files.createTempFile("labels", ".csv");
    Files.writeString(
        f,
        "dimension,key,label\n"
            + "# product names\n"
            + "product_view,214000001,\"Trail runner X2, blue\"\n"
            + "product_view,214000002,\"The \"\"Classic\"\" boot\"\n"
            + "search,<b>,<img src=x onerror=alert(1)>\n");
    Labels l = Labels.load(f);
    assertThat(l.label("product_view", "214000001"), equalTo("Trail runner X2, blue"));
    assertThat(l.label("product_view", "214000002"), equalTo("The \"Classic\" boot"));
    assertThat(l.label("search", "<b>"), equalTo("<img src=x onerror=alert(1)>"));
    assertThat(l.label("search", "214000001"), nullValue());
    assertThat(l.size(), equalTo(3));
  }

  @Test
  public void aRowWithTheWrongNumberOfFieldsIsRefusedWithItsLine() throws Exception {
    Path f = Files.createTempFile("labels", ".csv");
    Files.writeString(f, "search,shoes,Shoes\nsearch,hats\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Labels.load(f));
    assertThat(e.getMessage(), containsString("line 2"));
  }
}
