/**
 * The Clicktrends pipeline: validate clicks, compute per-dimension top-K trends over sliding
 * event-time windows ({@link io.clicktrends.pipeline.ComputeTrends}), publish them and archive the
 * events ({@link io.clicktrends.pipeline.WriteArchive}).
 *
 * <h2>Time types</h2>
 *
 * One type per layer, converted at the boundary through epoch milliseconds:
 *
 * <ul>
 *   <li><b>Beam</b> (windows, watermarks, timestamps of elements, triggers, allowed lateness, and
 *       the durations of options that feed them): Joda's {@code Instant} and {@code Duration}, the
 *       types Beam's API takes.
 *   <li><b>Records</b> ({@code ClickEvent.eventTime}, {@code Trend.windowStart/windowEnd/
 *       emittedAt}): {@link java.time.Instant}, what Avro generates for {@code timestamp-millis}.
 *       Records are built from window bounds in {@code ToTrend}, {@code RankAcrossShards.trend} and
 *       {@code RisingFromWindowCounts}, and read as {@code toEpochMilli()} where an event meets a
 *       window or a slice.
 *   <li><b>Inside the engines</b> ({@link io.clicktrends.pipeline.SlidingTopK}, {@link
 *       io.clicktrends.pipeline.SliceGrid}, {@link io.clicktrends.pipeline.ReferenceComputation}):
 *       plain {@code long} epoch millis and slice numbers.
 *   <li><b>The archive's calendar</b> (its {@code year=/month=/day=/hour=} partitions, file names):
 *       {@code java.time} in UTC.
 * </ul>
 */
package io.clicktrends.pipeline;
