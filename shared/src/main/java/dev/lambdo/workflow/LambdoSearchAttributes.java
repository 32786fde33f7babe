package dev.lambdo.workflow;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.util.List;
import java.util.Map;

/** The search attributes batch workflows carry; the server must have them registered. */
public final class LambdoSearchAttributes {
  public static final SearchAttributeKey<String> IMAGE = SearchAttributeKey.forKeyword("LambdoImage");
  public static final SearchAttributeKey<String> MACHINE_ID = SearchAttributeKey.forKeyword("LambdoMachineId");
  public static final SearchAttributeKey<Long> EXIT_CODE = SearchAttributeKey.forLong("LambdoExitCode");
  public static final SearchAttributeKey<List<String>> MESSAGE_IDS =
      SearchAttributeKey.forKeywordList("LambdoMessageIds");
  public static final SearchAttributeKey<String> REGION = SearchAttributeKey.forKeyword("LambdoRegion");
  /** Set when a runtime reported that only some events of a run failed: the ones still failed. */
  public static final SearchAttributeKey<List<String>> FAILED_MESSAGE_IDS =
      SearchAttributeKey.forKeywordList("LambdoFailedMessageIds");

  /** Name and type of each, for registering them on a server. */
  public static final Map<String, IndexedValueType> DEFINITIONS =
      Map.of(
          IMAGE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          MACHINE_ID.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          EXIT_CODE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT,
          MESSAGE_IDS.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
          REGION.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          FAILED_MESSAGE_IDS.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST);

  /**
   * The visibility query that finds the batch a message ran in: its workflow id comes from all the
   * batch's message ids, so one message id alone finds it only through this attribute.
   */
  public static String queryForMessage(String messageId) {
    if (messageId.indexOf('\'') >= 0) {
      throw new IllegalArgumentException("an SQS message id has no quote: " + messageId);
    }
    return MESSAGE_IDS.getName() + " = '" + messageId + "'";
  }

  private LambdoSearchAttributes() {}
}
