package dev.lambdo.sqs;

/**
 * An SQS message attribute. Binary values are not kept: no Lambdo attribute is binary.
 *
 * @param dataType "String", "Number", "Binary", or one of those with a custom suffix
 *     ("String.json")
 */
public record MessageAttribute(String dataType, String stringValue) {
  public static MessageAttribute string(String value) {
    return new MessageAttribute("String", value);
  }

  /** The base type without a custom suffix: "String.json" is a String. */
  public String baseType() {
    int dot = dataType.indexOf('.');
    return dot < 0 ? dataType : dataType.substring(0, dot);
  }
}
