package io.clicktrends.flume.agent;

import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.BATCH_SIZE;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.BYTE_OFFSET_HEADER;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.CACHE_PATTERN_MATCHING;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.DEFAULT_BATCH_SIZE;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.DEFAULT_BYTE_OFFSET_HEADER;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.DEFAULT_CACHE_PATTERN_MATCHING;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.DEFAULT_FILENAME_HEADER_KEY;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.DEFAULT_FILE_HEADER;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.DEFAULT_IDLE_TIMEOUT;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.DEFAULT_MAX_BATCH_COUNT;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.DEFAULT_POSITION_FILE;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.DEFAULT_SKIP_TO_END;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.DEFAULT_WRITE_POS_INTERVAL;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.FILENAME_HEADER;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.FILENAME_HEADER_KEY;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.FILE_GROUPS;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.FILE_GROUPS_PREFIX;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.HEADERS_PREFIX;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.IDLE_TIMEOUT;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.MAX_BATCH_COUNT;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.POSITION_FILE;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.SKIP_TO_END;
import static org.apache.flume.source.taildir.TaildirSourceConfigurationConstants.WRITE_POS_INTERVAL;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.HashBasedTable;
import com.google.common.collect.Table;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flume.ChannelException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.FlumeException;
import org.apache.flume.PollableSource;
import org.apache.flume.conf.BatchSizeSupported;
import org.apache.flume.conf.Configurable;
import org.apache.flume.instrumentation.SourceCounter;
import org.apache.flume.source.AbstractSource;
import org.apache.flume.source.PollableSourceConstants;
import org.apache.flume.source.taildir.ReliableTaildirEventReader;
import org.apache.flume.source.taildir.TailFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flume's TAILDIR source (same configuration keys, same position file, same reader) with one
 * difference: a file's incomplete last line is never sent while the file is still being written.
 * Stock TAILDIR holds a line without its newline while the file is active, but once the file has
 * been idle for {@code idleTimeout} it closes the file and sends whatever it holds, newline or not:
 * a web server that writes a log line in two parts with a pause between them (a slow client, a
 * buffered write split at a block boundary) then yields two broken events (a click without its
 * User-Agent, plus a dead letter for the rest). Flume 1.11 has no setting for this (the idle close
 * always reads with {@code backoffWithoutNL = false}), and {@code TaildirSource} keeps its loop
 * private, hence this class.
 *
 * <p>The rule: an incomplete last line is held until its newline arrives. When the file is idle and
 * still the one its path names, its complete lines are sent, and if an incomplete line remains the
 * file stays open (and is looked at again after another {@code idleTimeout}); a file without one is
 * closed as before. When the file has been rotated away (renamed so the file group no longer
 * matches it, or deleted), nothing more will complete its last line, so the idle close sends it
 * whole, newline or not. An agent restart resumes before the held line (the position file only
 * records whole lines), so it is held across restarts too.
 *
 * <p>Use {@code type = io.clicktrends.flume.agent.WholeLineTaildirSource} instead of {@code
 * TAILDIR}; every TAILDIR setting applies. The file-group pattern should match only the live file
 * (e.g. {@code access\.log}, not {@code access.*}), as Flume's documentation advises: a rotated
 * name that still matches counts as live.
 */
public class WholeLineTaildirSource extends AbstractSource
    implements PollableSource, Configurable, BatchSizeSupported {
  private static final Logger LOG = LoggerFactory.getLogger(WholeLineTaildirSource.class);
  private static final int MAX_CHECK_IDLE_INTERVAL_MILLIS = 5_000;

  private Map<String, String> filePaths;
  private Table<String, String, String> headerTable;
  private int batchSize;
  private String positionFilePath;
  private boolean skipToEnd;
  private boolean byteOffsetHeader;
  private int idleTimeout;
  private int writePosInterval;
  private boolean cachePatternMatching;
  private boolean fileHeader;
  private String fileHeaderKey;
  private long maxBatchCount;
  private long backoffSleepIncrement;
  private long maxBackOffSleepInterval;

  private SourceCounter sourceCounter;
  private ReliableTaildirEventReader reader;
  private ScheduledExecutorService idleFileChecker;
  private ScheduledExecutorService positionWriter;
  private int retryInterval = 1000;
  private final List<Long> existingInodes = new CopyOnWriteArrayList<>();
  private final List<Long> idleInodes = new CopyOnWriteArrayList<>();

  /**
   * Inode to the file length at which an incomplete last line was held: not re-read until the file
   * changes.
   */
  private final Map<Long, Long> heldAtLength = new ConcurrentHashMap<>();

  @Override
  public synchronized void configure(Context context) {
    String fileGroups = context.getString(FILE_GROUPS);
    if (fileGroups == null) {
      throw new IllegalStateException("Missing param: " + FILE_GROUPS);
    }
    Map<String, String> groups = context.getSubProperties(FILE_GROUPS_PREFIX);
    filePaths = new HashMap<>();
    for (String key : fileGroups.split("\\s+")) {
      if (groups.containsKey(key)) {
        filePaths.put(key, groups.get(key));
      }
    }
    if (filePaths.isEmpty()) {
      throw new IllegalStateException(
          "Mapping for tailing files is empty or invalid: '" + FILE_GROUPS_PREFIX + "'");
    }
    positionFilePath =
        context.getString(
            POSITION_FILE,
            System.getProperty("user.home").replace('\\', '/') + DEFAULT_POSITION_FILE);
    try {
      Files.createDirectories(Path.of(positionFilePath).toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new FlumeException("Error creating positionFile parent directories", e);
    }
    headerTable = HashBasedTable.create();
    for (Map.Entry<String, String> e : context.getSubProperties(HEADERS_PREFIX).entrySet()) {
      String[] parts = e.getKey().split("\\.", 2);
      headerTable.put(parts[0], parts[1], e.getValue());
    }
    batchSize = context.getInteger(BATCH_SIZE, DEFAULT_BATCH_SIZE);
    skipToEnd = context.getBoolean(SKIP_TO_END, DEFAULT_SKIP_TO_END);
    byteOffsetHeader = context.getBoolean(BYTE_OFFSET_HEADER, DEFAULT_BYTE_OFFSET_HEADER);
    idleTimeout = context.getInteger(IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
    writePosInterval = context.getInteger(WRITE_POS_INTERVAL, DEFAULT_WRITE_POS_INTERVAL);
    cachePatternMatching =
        context.getBoolean(CACHE_PATTERN_MATCHING, DEFAULT_CACHE_PATTERN_MATCHING);
    backoffSleepIncrement =
        context.getLong(
            PollableSourceConstants.BACKOFF_SLEEP_INCREMENT,
            PollableSourceConstants.DEFAULT_BACKOFF_SLEEP_INCREMENT);
    maxBackOffSleepInterval =
        context.getLong(
            PollableSourceConstants.MAX_BACKOFF_SLEEP,
            PollableSourceConstants.DEFAULT_MAX_BACKOFF_SLEEP);
    fileHeader = context.getBoolean(FILENAME_HEADER, DEFAULT_FILE_HEADER);
    fileHeaderKey = context.getString(FILENAME_HEADER_KEY, DEFAULT_FILENAME_HEADER_KEY);
    maxBatchCount = context.getLong(MAX_BATCH_COUNT, DEFAULT_MAX_BATCH_COUNT);
    if (maxBatchCount <= 0) {
      maxBatchCount = DEFAULT_MAX_BATCH_COUNT;
    }
    if (sourceCounter == null) {
      sourceCounter = new SourceCounter(getName());
    }
  }

  @Override
  public synchronized void start() {
    LOG.info("{} WholeLineTaildirSource starting on {}", getName(), filePaths);
    try {
      reader =
          new ReliableTaildirEventReader.Builder()
              .filePaths(filePaths)
              .headerTable(headerTable)
              .positionFilePath(positionFilePath)
              .skipToEnd(skipToEnd)
              .addByteOffset(byteOffsetHeader)
              .cachePatternMatching(cachePatternMatching)
              .annotateFileName(fileHeader)
              .fileNameHeader(fileHeaderKey)
              .build();
    } catch (IOException e) {
      throw new FlumeException("Error instantiating ReliableTaildirEventReader", e);
    }
    // Stock TAILDIR checks every 5 s; a shorter idleTimeout is checked as often as it is long.
    int checkIdleInterval = Math.max(100, Math.min(idleTimeout, MAX_CHECK_IDLE_INTERVAL_MILLIS));
    idleFileChecker =
        Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, getName() + "-idleFileChecker"));
    idleFileChecker.scheduleWithFixedDelay(
        this::markIdleFiles, idleTimeout, checkIdleInterval, TimeUnit.MILLISECONDS);
    positionWriter =
        Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, getName() + "-positionWriter"));
    positionWriter.scheduleWithFixedDelay(
        this::writePosition,
        Math.min(5000, writePosInterval),
        writePosInterval,
        TimeUnit.MILLISECONDS);
    super.start();
    sourceCounter.start();
  }

  @Override
  public synchronized void stop() {
    try {
      super.stop();
      for (ScheduledExecutorService service :
          new ScheduledExecutorService[] {idleFileChecker, positionWriter}) {
        service.shutdown();
        if (!service.awaitTermination(1, TimeUnit.SECONDS)) {
          service.shutdownNow();
        }
      }
      writePosition(); // whole lines only: a held line is read again after a restart
      reader.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.info("Interrupted while awaiting termination", e);
    } catch (IOException e) {
      LOG.info("Failed closing the reader: {}", e.getMessage(), e);
    }
    sourceCounter.stop();
    LOG.info("WholeLineTaildirSource {} stopped. Metrics: {}", getName(), sourceCounter);
  }

  @Override
  public long getBatchSize() {
    return batchSize;
  }

  @Override
  public long getBackOffSleepIncrement() {
    return backoffSleepIncrement;
  }

  @Override
  public long getMaxBackOffSleepInterval() {
    return maxBackOffSleepInterval;
  }

  @Override
  public Status process() {
    Status status = Status.BACKOFF;
    try {
      List<Long> live = reader.updateTailFiles();
      existingInodes.clear();
      existingInodes.addAll(live);
      for (long inode : live) {
        TailFile tf = reader.getTailFiles().get(inode);
        if (tf.needTail() && !stillHeld(inode, tf) && tailFileProcess(tf, true)) {
          status = Status.READY;
        }
        noteHeldLine(inode, tf);
      }
      closeIdleFiles(live);
    } catch (Throwable t) {
      LOG.error("Unable to tail files", t);
      sourceCounter.incrementEventReadFail();
      status = Status.BACKOFF;
    }
    return status;
  }

  /** True if the file still ends in the incomplete line held last time (nothing new to read). */
  private boolean stillHeld(long inode, TailFile tf) {
    Long held = heldAtLength.get(inode);
    return held != null && held == new File(tf.getPath()).length();
  }

  private void noteHeldLine(long inode, TailFile tf) {
    long length = new File(tf.getPath()).length();
    if (tf.getPos() < length) {
      if (heldAtLength.put(inode, length) == null) {
        LOG.debug(
            "holding the incomplete last line of {} (bytes {} to {}) until its newline arrives",
            tf.getPath(),
            tf.getPos(),
            length);
      }
    } else {
      heldAtLength.remove(inode);
    }
  }

  private boolean tailFileProcess(TailFile tf, boolean backoffWithoutNL)
      throws IOException, InterruptedException {
    long batchCount = 0;
    while (true) {
      reader.setCurrentFile(tf);
      List<Event> events = reader.readEvents(batchSize, backoffWithoutNL);
      if (events.isEmpty()) {
        return false;
      }
      sourceCounter.addToEventReceivedCount(events.size());
      sourceCounter.incrementAppendBatchReceivedCount();
      try {
        getChannelProcessor().processEventBatch(events);
        reader.commit();
      } catch (ChannelException ex) {
        LOG.warn(
            "The channel is full or unexpected failure. The source will try again after {} ms",
            retryInterval);
        sourceCounter.incrementChannelWriteFail();
        TimeUnit.MILLISECONDS.sleep(
            retryInterval); // Flume's own back-off before retrying a full channel
        retryInterval = Math.min(retryInterval << 1, 5000);
        continue;
      }
      retryInterval = 1000;
      sourceCounter.addToEventAcceptedCount(events.size());
      sourceCounter.incrementAppendBatchAcceptedCount();
      if (events.size() < batchSize) {
        return false;
      }
      if (++batchCount >= maxBatchCount) {
        return true;
      }
    }
  }

  /**
   * Idle files: a rotated-away one is read to its end (its last line whole, newline or not) and
   * closed; a live one gives its complete lines and is closed only if no incomplete line remains.
   */
  private void closeIdleFiles(List<Long> live) throws IOException, InterruptedException {
    for (long inode : idleInodes) {
      TailFile tf = reader.getTailFiles().get(inode);
      if (tf == null || tf.getRaf() == null) {
        continue;
      }
      boolean rotated = !live.contains(inode);
      tailFileProcess(tf, !rotated);
      if (rotated || tf.getPos() >= tf.getRaf().length()) {
        tf.close();
        heldAtLength.remove(inode);
        LOG.info(
            "Closed {}file: {}, inode: {}, pos: {}",
            rotated ? "rotated " : "",
            tf.getPath(),
            inode,
            tf.getPos());
      } else {
        tf.setLastUpdated(System.currentTimeMillis()); // looked at again after another idleTimeout
      }
    }
    idleInodes.clear();
  }

  private void markIdleFiles() {
    try {
      long now = System.currentTimeMillis();
      for (TailFile tf : reader.getTailFiles().values()) {
        if (tf.getLastUpdated() + idleTimeout < now
            && tf.getRaf() != null
            && !idleInodes.contains(tf.getInode())) {
          idleInodes.add(tf.getInode());
        }
      }
    } catch (Throwable t) {
      LOG.error("Uncaught exception in the idle file checker", t);
      sourceCounter.incrementGenericProcessingFail();
    }
  }

  /**
   * The position file, in TAILDIR's format, written atomically (a crash mid-write must not lose all
   * positions).
   */
  private void writePosition() {
    try {
      List<Map<String, Object>> positions = new ArrayList<>();
      for (Long inode : existingInodes) {
        TailFile tf = reader.getTailFiles().get(inode);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("inode", inode);
        p.put("pos", tf.getPos());
        p.put("file", tf.getPath());
        positions.add(p);
      }
      Path target = Path.of(positionFilePath);
      Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
      Files.writeString(
          tmp,
          positions.isEmpty() ? "" : new ObjectMapper().writeValueAsString(positions),
          StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      LOG.error("Failed writing positionFile", e);
      sourceCounter.incrementGenericProcessingFail();
    }
  }
}
