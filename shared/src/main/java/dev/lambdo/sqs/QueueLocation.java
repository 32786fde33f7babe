package dev.lambdo.sqs;

import dev.lambdo.config.ConfigException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a sender's requests for a queue go, worked out from the queue URL so that a URL is all
 * one needs to give: an AWS queue URL names its region, any other URL is its own endpoint (a local
 * ElasticMQ, say). {@code AWS_ENDPOINT_URL_SQS} (or {@code AWS_ENDPOINT_URL}) overrides the
 * endpoint, {@code AWS_REGION} is used where the URL names no region.
 *
 * @param endpoint where to send requests; empty for AWS's own endpoint of the region
 * @param region the region to sign for; empty leaves it to the AWS SDK's chain (profile)
 * @param unsigned true for an endpoint on this machine: local emulators check no signature, so a
 *     developer needs no AWS credentials for them (and none are looked up)
 */
public record QueueLocation(String queueUrl, Optional<URI> endpoint, Optional<String> region, boolean unsigned) {
  /** {@code sqs.<region>.amazonaws.com} and the legacy {@code <region>.queue.amazonaws.com}. */
  private static final Pattern AWS_HOST =
      Pattern.compile("(?:sqs\\.([a-z0-9-]+)|([a-z0-9-]+)\\.queue)\\.amazonaws\\.com(?:\\.cn)?");
  private static final String LOCAL_REGION = "us-east-1";

  public static QueueLocation of(String queueUrl, Map<String, String> env) {
    URI url = parse(queueUrl);
    Optional<URI> endpoint = setting(env, "AWS_ENDPOINT_URL_SQS").or(() -> setting(env, "AWS_ENDPOINT_URL"))
        .map(QueueLocation::parse);
    Matcher aws = AWS_HOST.matcher(url.getHost());
    Optional<String> region = Optional.empty();
    if (aws.matches()) {
      region = Optional.of(aws.group(1) != null ? aws.group(1) : aws.group(2));
    } else if (endpoint.isEmpty()) {
      endpoint = Optional.of(URI.create(url.getScheme() + "://" + url.getRawAuthority()));
    }
    boolean unsigned = endpoint.map(QueueLocation::isLoopback).orElse(false);
    region = region.or(() -> setting(env, "AWS_REGION"))
        .or(() -> unsigned ? Optional.of(LOCAL_REGION) : Optional.empty());
    return new QueueLocation(queueUrl, endpoint, region, unsigned);
  }

  private static Optional<String> setting(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  private static URI parse(String url) {
    try {
      URI uri = new URI(url);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // said below, in the user's terms
    }
    throw new ConfigException(List.of("'" + url + "' is not a queue URL (like"
        + " https://sqs.us-east-1.amazonaws.com/123456789012/lambdo or http://localhost:9324/000000000000/lambdo)"));
  }

  /** Only names that are loopback by definition: no DNS lookup decides whether to sign. */
  private static boolean isLoopback(URI endpoint) {
    String host = endpoint.getHost();
    if (host == null) {
      return false;
    }
    if (host.equals("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:.]+\\]")) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
