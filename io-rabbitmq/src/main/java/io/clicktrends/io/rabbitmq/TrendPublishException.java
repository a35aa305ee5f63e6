package io.clicktrends.io.rabbitmq;

import java.io.IOException;

/** The broker did not confirm a batch (nack, return, channel closed, or timeout): retry it. */
public final class TrendPublishException extends IOException {
  private static final long serialVersionUID = 1L;

  public TrendPublishException(String message) {
    super(message);
  }
}
