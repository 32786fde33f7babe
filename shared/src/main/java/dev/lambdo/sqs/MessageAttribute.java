package dev.lambdo.sqs;

import software.amazon.awssdk.core.SdkBytes;

/**
 * An SQS message attribute. Binary values are kept, though no Lambdo attribute is binary: a
 * message that cannot run goes to the DLQ with all its attributes intact.
 *
 * @param dataType "String", "Number", "Binary", or one of those with a custom suffix
 *     ("String.json")
 * @param binaryValue the value of a Binary attribute; null for the others
 */
public record MessageAttribute(String dataType, String stringValue, SdkBytes binaryValue) {
  public MessageAttribute(String dataType, String stringValue) {
    this(dataType, stringValue, null);
  }

  public static MessageAttribute string(String value) {
    return new MessageAttribute("String", value);
  }

  /** The base type without a custom suffix: "String.json" is a String. */
  public String baseType() {
    int dot = dataType.indexOf('.');
    return dot < 0 ? dataType : dataType.substring(0, dot);
  }
}
